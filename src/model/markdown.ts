/**
 * Markdown escaping shared by report/ (Markdown reports) and notify/ (issue bodies), which may not
 * import each other. Every string that came from a scanned repository, an advisory or a tool is
 * untrusted.
 */

/**
 * Text for a Markdown table cell or line: HTML is neutralised with entities, Markdown syntax
 * (pipes, backticks, emphasis, links) with backslashes, newlines folded, and @mentions broken with
 * a word joiner so a finding never pings anyone.
 */
export function escapeMarkdown(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/(^|[^\w])@(?=[A-Za-z0-9])/g, '$1@\u2060');
}
