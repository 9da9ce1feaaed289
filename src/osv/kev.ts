/**
 * CISA's Known Exploited Vulnerabilities catalog (known_exploited_vulnerabilities.json): a pure
 * reader, bounded in size and entries, that keeps only what Sieve shows and judges by.
 */
import { InputTooLargeError, ParseError } from '../model/errors.js';
import type { KnownExploited } from '../model/records.js';

/** The catalog is about 1.3 MB with some 1,400 entries; a hundred times that is not a catalog. */
export const MAX_KEV_BYTES = 128 * 1024 * 1024;
export const MAX_KEV_ENTRIES = 200_000;

export interface KevCatalog {
  catalogVersion: string;
  dateReleased: string;
  entries: KnownExploited[];
  /** Entries left out, one line each (bad CVE id or date): one bad entry never costs the others. */
  skipped: string[];
}

const CVE = /^CVE-\d{4}-\d{4,19}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function text(value: unknown, max = 500): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined;
}

/** True when a parsed JSON document looks like the KEV catalog (what `sieve db import` sniffs). */
export function isKevCatalog(document: unknown): boolean {
  return (
    typeof document === 'object' &&
    document !== null &&
    typeof (document as Record<string, unknown>).catalogVersion === 'string' &&
    Array.isArray((document as Record<string, unknown>).vulnerabilities)
  );
}

/** Reads the catalog's text; `file` names it in errors. */
export function parseKevCatalog(content: string, file: string): KevCatalog {
  if (content.length > MAX_KEV_BYTES) throw new InputTooLargeError(file, content.length, MAX_KEV_BYTES);
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    throw new ParseError(file, `not JSON: ${(error as Error).message}`);
  }
  if (!isKevCatalog(document)) throw new ParseError(file, 'not a KEV catalog: expected an object with "catalogVersion" and a "vulnerabilities" list');
  const catalog = document as { catalogVersion: string; dateReleased?: unknown; vulnerabilities: unknown[] };
  if (catalog.vulnerabilities.length > MAX_KEV_ENTRIES) {
    throw new ParseError(file, `${catalog.vulnerabilities.length} entries is over the limit of ${MAX_KEV_ENTRIES}`);
  }
  const entries = new Map<string, KnownExploited>();
  const skipped: string[] = [];
  catalog.vulnerabilities.forEach((raw, index) => {
    const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const cve = typeof item.cveID === 'string' ? item.cveID.trim().toUpperCase() : '';
    const dateAdded = typeof item.dateAdded === 'string' ? item.dateAdded : '';
    if (!CVE.test(cve)) {
      skipped.push(`vulnerabilities[${index}]: cveID ${JSON.stringify(String(item.cveID ?? '')).slice(0, 60)} is not a CVE id`);
      return;
    }
    if (!DATE.test(dateAdded)) {
      skipped.push(`vulnerabilities[${index}] (${cve}): dateAdded is not a YYYY-MM-DD date`);
      return;
    }
    const entry: KnownExploited = { cve, dateAdded };
    if (typeof item.dueDate === 'string' && DATE.test(item.dueDate)) entry.dueDate = item.dueDate;
    if (item.knownRansomwareCampaignUse === 'Known') entry.ransomware = true;
    const name = text(item.vulnerabilityName, 200);
    if (name) entry.name = name;
    // The catalog lists a CVE once; should it repeat, the earliest addition is when it became known.
    const previous = entries.get(cve);
    if (!previous || previous.dateAdded > dateAdded) entries.set(cve, entry);
  });
  return {
    catalogVersion: catalog.catalogVersion.slice(0, 64),
    dateReleased: typeof catalog.dateReleased === 'string' ? catalog.dateReleased.slice(0, 64) : '',
    entries: [...entries.values()].sort((a, b) => (a.cve < b.cve ? -1 : a.cve > b.cve ? 1 : 0)),
    skipped,
  };
}
