/**
 * Markdown escaping shared by report/ (Markdown reports) and notify/ (issue bodies), which may not
 * import each other. Every string that came from a scanned repository, an advisory or a tool is
 * untrusted.
 */

/** Bidirectional controls (Trojan Source): they reorder what a reader sees, so a path could lie. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Shows bidirectional controls as `[U+202E]` instead of letting them reorder the text. Entities
 * would not do: a browser decodes `&#x202e;` back into the control.
 */
export function showBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (char) => `[U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

/**
 * Text for a Markdown table cell or line: HTML is neutralised with entities, Markdown syntax
 * (pipes, backticks, emphasis, links) with backslashes, newlines folded, and @mentions broken with
 * a word joiner so a finding never pings anyone.
 */
export function escapeMarkdown(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return showBidiControls(text)
    .replace(/\r\n?|\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/(^|[^\w])@(?=[A-Za-z0-9])/g, '$1@\u2060');
}
