/**
 * VEX: triage decisions on dependency findings as a CycloneDX VEX document (built and serialized
 * with the CycloneDX library), and CycloneDX VEX or OpenVEX documents read back as decisions.
 */
import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import { createHash } from 'node:crypto';
import { ParseError } from '../model/errors.js';
import type { StoredFinding, TriageRecord } from '../model/records.js';
import type { TriageStatus } from '../model/types.js';

export const JUSTIFICATIONS = Object.values(Enums.Vulnerability.AnalysisJustification) as string[];

/** The property that carries Sieve's own status, so a round trip through VEX loses nothing. */
const STATUS_PROPERTY = 'sieve:triage:status';
const MAX_VEX_BYTES = 32 * 1024 * 1024;

export interface VexEntry {
  finding: StoredFinding;
  triage: TriageRecord;
}

/** A statement read from a VEX document: this vulnerability in this package is (not) a problem. */
export interface VexStatement {
  vulnerabilityIds: string[];
  purl: string;
  status: TriageStatus;
  reason: string;
  justification?: string;
}

function analysisOf(triage: TriageRecord): Models.Vulnerability.Analysis {
  const Analysis = Models.Vulnerability.Analysis;
  const state = Enums.Vulnerability.AnalysisState;
  const response = Enums.Vulnerability.AnalysisResponse;
  const justification = triage.justification as Enums.Vulnerability.AnalysisJustification | undefined;
  const detail = `${triage.reason} (${triage.by}, ${triage.at}${triage.until ? `, until ${triage.until}` : ''})`;
  switch (triage.status) {
    case 'false-positive':
      // With a justification the finding is "not affected"; without one it is a plain false positive.
      return new Analysis({ state: justification ? state.NotAffected : state.FalsePositive, justification, detail });
    case 'accepted-risk': {
      const analysis = new Analysis({ state: state.Exploitable, justification, detail });
      analysis.response.add(response.CanNotFix);
      return analysis;
    }
    case 'wont-fix': {
      const analysis = new Analysis({ state: state.Exploitable, justification, detail });
      analysis.response.add(response.WillNotFix);
      return analysis;
    }
    case 'open':
      return new Analysis({ state: state.InTriage, detail });
  }
}

/** A CycloneDX 1.6 VEX document of the decisions: one vulnerability per id and decision, affecting each component. */
export function buildVex(entries: readonly VexEntry[], meta: { timestamp: Date; toolVersion: string }): string {
  const bom = new Models.Bom();
  bom.metadata.timestamp = meta.timestamp;
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'Sieve', { version: meta.toolVersion }));
  const components = new Map<string, Models.Component>();
  const vulnerabilities = new Map<string, Models.Vulnerability.Vulnerability>();
  for (const { finding, triage } of entries) {
    if (!finding.package || !finding.vulnerability) continue;
    const purl = finding.package.purl;
    let component = components.get(purl);
    if (!component) {
      // Only a purl the purl library reads goes in the component; the bom-ref keeps it either way.
      let valid = true;
      try {
        PackageURL.fromString(purl);
      } catch {
        valid = false;
      }
      component = new Models.Component(Enums.ComponentType.Library, finding.package.name, { version: finding.package.version || undefined, purl: valid ? purl : undefined, bomRef: purl });
      components.set(purl, component);
      bom.components.add(component);
    }
    const key = `${finding.vulnerability.id}\0${triage.status}\0${triage.reason}\0${triage.justification ?? ''}\0${triage.until ?? ''}`;
    let vulnerability = vulnerabilities.get(key);
    if (!vulnerability) {
      vulnerability = new Models.Vulnerability.Vulnerability({
        id: finding.vulnerability.id,
        bomRef: `${finding.vulnerability.id}-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`,
        description: finding.vulnerability.summary,
        analysis: analysisOf(triage),
      });
      for (const alias of finding.vulnerability.aliases) vulnerability.references.add(new Models.Vulnerability.Reference(alias, new Models.Vulnerability.Source({ name: alias.split('-')[0] })));
      vulnerability.properties.add(new Models.Property(STATUS_PROPERTY, triage.status));
      vulnerabilities.set(key, vulnerability);
      bom.vulnerabilities.add(vulnerability);
    }
    if (![...vulnerability.affects].some((affect) => affect.ref === component.bomRef)) vulnerability.affects.add(new Models.Vulnerability.Affect(component.bomRef));
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

const CYCLONEDX_STATES: Record<string, TriageStatus> = {
  not_affected: 'false-positive',
  false_positive: 'false-positive',
  resolved: 'false-positive',
  resolved_with_pedigree: 'false-positive',
  in_triage: 'open',
};

const OPENVEX_JUSTIFICATIONS: Record<string, string> = {
  component_not_present: 'requires_dependency',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'protected_at_runtime',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};

const isStatus = (value: unknown): value is TriageStatus => typeof value === 'string' && ['false-positive', 'accepted-risk', 'wont-fix', 'open'].includes(value);

interface CdxVulnerability {
  id?: string;
  references?: Array<{ id?: string }>;
  analysis?: { state?: string; justification?: string; response?: string[]; detail?: string };
  affects?: Array<{ ref?: string }>;
  properties?: Array<{ name?: string; value?: string }>;
}

function fromCycloneDx(document: { components?: Array<{ 'bom-ref'?: string; purl?: string }>; vulnerabilities?: CdxVulnerability[] }): VexStatement[] {
  const purls = new Map<string, string>();
  const walk = (components: Array<{ 'bom-ref'?: string; purl?: string; components?: unknown[] }> | undefined, depth: number) => {
    if (!Array.isArray(components) || depth > 20) return;
    for (const component of components) {
      if (component?.['bom-ref'] && component.purl) purls.set(component['bom-ref'], component.purl);
      walk(component?.components as typeof components, depth + 1);
    }
  };
  walk(document.components, 0);
  const statements: VexStatement[] = [];
  for (const vulnerability of document.vulnerabilities ?? []) {
    if (!vulnerability?.id || !vulnerability.analysis?.state) continue;
    const own = vulnerability.properties?.find((property) => property.name === STATUS_PROPERTY)?.value;
    const state = vulnerability.analysis.state;
    const responses = vulnerability.analysis.response ?? [];
    const status: TriageStatus | undefined = isStatus(own)
      ? own
      : (CYCLONEDX_STATES[state] ??
        (state === 'exploitable' ? (responses.includes('will_not_fix') ? 'wont-fix' : responses.includes('can_not_fix') ? 'accepted-risk' : 'open') : undefined));
    if (!status) continue;
    const ids = [vulnerability.id, ...(vulnerability.references ?? []).map((reference) => reference?.id).filter((id): id is string => typeof id === 'string')];
    for (const affect of vulnerability.affects ?? []) {
      const ref = affect?.ref;
      if (!ref) continue;
      const purl = purls.get(ref) ?? (ref.startsWith('pkg:') ? ref : undefined);
      if (!purl) continue;
      statements.push({
        vulnerabilityIds: ids,
        purl,
        status,
        reason: vulnerability.analysis.detail || `CycloneDX VEX: ${state}`,
        ...(vulnerability.analysis.justification ? { justification: vulnerability.analysis.justification } : {}),
      });
    }
  }
  return statements;
}

interface OpenVexStatement {
  vulnerability?: { name?: string; '@id'?: string; aliases?: string[] } | string;
  products?: Array<{ '@id'?: string; identifiers?: { purl?: string }; subcomponents?: Array<{ '@id'?: string; identifiers?: { purl?: string } }> } | string>;
  status?: string;
  justification?: string;
  impact_statement?: string;
  status_notes?: string;
  action_statement?: string;
}

function fromOpenVex(document: { statements?: OpenVexStatement[] }): VexStatement[] {
  const statements: VexStatement[] = [];
  for (const statement of document.statements ?? []) {
    const vulnerability = statement?.vulnerability;
    const ids = typeof vulnerability === 'string' ? [vulnerability] : [vulnerability?.name, ...(vulnerability?.aliases ?? [])].filter((id): id is string => typeof id === 'string' && id.length > 0);
    if (ids.length === 0) continue;
    const status: TriageStatus | undefined =
      statement.status === 'not_affected' || statement.status === 'fixed' ? 'false-positive' : statement.status === 'affected' || statement.status === 'under_investigation' ? 'open' : undefined;
    if (!status) continue;
    const purls = new Set<string>();
    for (const product of statement.products ?? []) {
      const items = typeof product === 'string' ? [{ '@id': product }] : product?.subcomponents?.length ? product.subcomponents : [product];
      for (const item of items) {
        const purl = item?.identifiers?.purl ?? item?.['@id'];
        if (typeof purl === 'string' && purl.startsWith('pkg:')) purls.add(purl);
      }
    }
    const reason = statement.impact_statement || statement.status_notes || statement.action_statement || `OpenVEX: ${statement.status}`;
    const justification = statement.justification ? OPENVEX_JUSTIFICATIONS[statement.justification] : undefined;
    for (const purl of purls) statements.push({ vulnerabilityIds: ids, purl, status, reason, ...(justification ? { justification } : {}) });
  }
  return statements;
}

/** Reads a CycloneDX VEX or OpenVEX JSON document into statements. */
export function parseVex(text: string, path: string): VexStatement[] {
  if (text.length > MAX_VEX_BYTES) throw new ParseError(path, `over the ${MAX_VEX_BYTES}-byte limit for a VEX document`);
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ParseError(path, `not valid JSON: ${(error as Error).message}`);
  }
  if (!document || typeof document !== 'object') throw new ParseError(path, 'not a VEX document (expected a JSON object)');
  const record = document as Record<string, unknown>;
  if (record.bomFormat === 'CycloneDX') return fromCycloneDx(record as Parameters<typeof fromCycloneDx>[0]);
  if (typeof record['@context'] === 'string' && record['@context'].includes('openvex')) return fromOpenVex(record as Parameters<typeof fromOpenVex>[0]);
  throw new ParseError(path, 'not a VEX document: expected CycloneDX ("bomFormat": "CycloneDX") or OpenVEX ("@context" naming openvex)');
}
