/**
 * The one place report writers escape text. Every string that came from a scanned repository,
 * an advisory or a tool is untrusted: HTML gets entities, Markdown gets backslashes and entities,
 * links only ever carry http(s) URLs.
 */
import { showBidiControls } from '../model/markdown.js';

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

const NEEDS_ESCAPE = /[&<>"'`\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Escapes text for HTML element content and for quoted attribute values alike; bidirectional controls are shown, not obeyed. */
export function escapeHtml(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  // Most values (ids, dates, versions) have nothing to escape: skip building a new string.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return showBidiControls(text).replace(/[&<>"'`]/g, (char) => HTML_ENTITIES[char] ?? char);
}

/**
 * An http(s) URL fit for an href, or undefined. Credentials are dropped so a token written into a
 * repo URL never reaches a page; anything else (javascript:, data:, file:, relative) is refused.
 */
export function safeHttpUrl(value: string | undefined): string | undefined {
  if (!value || value.length > 2048) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  url.username = '';
  url.password = '';
  return url.toString();
}

// Markdown escaping lives in model/ so that notify/, which may not import report/, uses the same one.
export { escapeMarkdown } from '../model/markdown.js';
