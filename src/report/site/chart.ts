import type { Severity } from '../../model/types.js';
import { escapeHtml } from '../escape.js';

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { left: 48, right: 16, top: 16, bottom: 36 };
/** Enough points for a year of nightly runs; older ones are dropped so the SVG stays small. */
const MAX_POINTS = 400;

/** Open findings over time as an inline SVG line chart, with a text equivalent for screen readers. */
export function trendChart(trend: Array<{ at: string; open: number }>): string {
  const points = trend
    .map((point) => ({ at: point.at, time: Date.parse(point.at), open: Math.max(0, Math.floor(point.open)) }))
    .filter((point) => Number.isFinite(point.time) && Number.isFinite(point.open))
    .sort((a, b) => a.time - b.time)
    .slice(-MAX_POINTS);
  if (points.length === 0) return '<p class="muted">No scans yet, so no trend.</p>';

  const first = points[0]!;
  const last = points[points.length - 1]!;
  const maxOpen = Math.max(1, ...points.map((point) => point.open));
  const top = niceCeiling(maxOpen);
  const span = Math.max(1, last.time - first.time);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (time: number): number => PAD.left + (points.length === 1 ? plotW / 2 : ((time - first.time) / span) * plotW);
  const y = (open: number): number => PAD.top + plotH - (open / top) * plotH;
  const coords = points.map((point) => `${x(point.time).toFixed(1)},${y(point.open).toFixed(1)}`);

  const { grid, labels } = axes(top, y, first.at, points.length > 1 ? last.at : undefined);
  const line = points.length > 1 ? `<polyline class="line" points="${coords.join(' ')}"/>` : '';
  const dot = `<circle class="dot" cx="${x(last.time).toFixed(1)}" cy="${y(last.open).toFixed(1)}" r="4"/>`;
  const summary = `Open findings from ${first.at.slice(0, 10)} (${first.open}) to ${last.at.slice(0, 10)} (${last.open}), highest ${maxOpen}.`;

  const rows = points
    .slice(-30)
    .reverse()
    .map((point) => `<tr><td><time datetime="${escapeHtml(point.at)}">${escapeHtml(point.at)}</time></td><td class="n">${point.open}</td></tr>`)
    .join('');
  return [
    `<svg class="chart" role="img" aria-labelledby="trend-title trend-desc" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">`,
    `<title id="trend-title">Open findings over time</title><desc id="trend-desc">${escapeHtml(summary)}</desc>`,
    grid,
    labels,
    line,
    dot,
    '</svg>',
    `<details><summary>Trend as a table (latest ${Math.min(30, points.length)} scans)</summary><div class="table-wrap"><table><thead><tr><th scope="col">Scan</th><th scope="col" class="n">Open</th></tr></thead><tbody>${rows}</tbody></table></div></details>`,
  ].join('\n');
}

/** Grid lines at 0, half and the top with their values, and the first (and last) date below. */
function axes(top: number, y: (value: number) => number, firstAt: string, lastAt: string | undefined): { grid: string; labels: string } {
  const grid = [0, 0.5, 1]
    .map((fraction) => {
      const value = Math.round(top * fraction);
      const gy = y(value).toFixed(1);
      return `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${gy}" y2="${gy}"/><text x="${PAD.left - 6}" y="${gy}" text-anchor="end" dominant-baseline="middle">${value}</text>`;
    })
    .join('');
  const labels =
    `<text x="${PAD.left}" y="${HEIGHT - 10}" text-anchor="start">${escapeHtml(firstAt.slice(0, 10))}</text>` +
    (lastAt !== undefined ? `<text x="${WIDTH - PAD.right}" y="${HEIGHT - 10}" text-anchor="end">${escapeHtml(lastAt.slice(0, 10))}</text>` : '');
  return { grid, labels };
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

const STACK: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'unknown'];

/**
 * Open alerting findings over time as stacked areas by severity (critical at the bottom), with
 * the total as a line, a legend whose text carries the meaning, and a table equivalent.
 */
export function stackedTrendChart(trend: Array<{ at: string; counts: Record<Severity, number> }>): string {
  const points = trend
    .map((point) => ({ at: point.at, time: Date.parse(point.at), counts: point.counts }))
    .filter((point) => Number.isFinite(point.time))
    .sort((a, b) => a.time - b.time)
    .slice(-MAX_POINTS);
  if (points.length === 0) return '<p class="muted">No scans yet, so no trend.</p>';
  const total = (counts: Record<Severity, number>): number => STACK.reduce((sum, severity) => sum + Math.max(0, counts[severity] ?? 0), 0);
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const maxOpen = Math.max(1, ...points.map((point) => total(point.counts)));
  const top = niceCeiling(maxOpen);
  const span = Math.max(1, last.time - first.time);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (time: number): number => PAD.left + (points.length === 1 ? plotW / 2 : ((time - first.time) / span) * plotW);
  const y = (open: number): number => PAD.top + plotH - (open / top) * plotH;
  // With one point, a narrow band so the stack still shows.
  const xs = points.length === 1 ? [x(first.time) - 6, x(first.time) + 6] : points.map((point) => x(point.time));
  const series = points.length === 1 ? [first, first] : points;
  const below = series.map(() => 0);
  const areas: string[] = [];
  for (const severity of STACK) {
    const lower = below.slice();
    const upper = series.map((point, i) => (below[i] = lower[i]! + Math.max(0, point.counts[severity] ?? 0)));
    if (upper.every((value, i) => value === lower[i])) continue;
    const path = [
      ...upper.map((value, i) => `${xs[i]!.toFixed(1)},${y(value).toFixed(1)}`),
      ...lower.map((value, i) => `${xs[i]!.toFixed(1)},${y(value).toFixed(1)}`).reverse(),
    ].join(' ');
    areas.push(`<polygon class="area-${severity}" points="${path}"><title>${escapeHtml(severity)}</title></polygon>`);
  }
  const line = `<polyline class="total" points="${series.map((point, i) => `${xs[i]!.toFixed(1)},${y(total(point.counts)).toFixed(1)}`).join(' ')}"/>`;
  const { grid, labels } = axes(top, y, first.at, points.length > 1 ? last.at : undefined);
  const now = STACK.map((severity) => `${last.counts[severity] ?? 0} ${severity}`).join(', ');
  const summary = `Open findings by severity from ${first.at.slice(0, 10)} (${total(first.counts)}) to ${last.at.slice(0, 10)} (${total(last.counts)}: ${now}), highest ${maxOpen}.`;
  const legend = `<ul class="legend">${STACK.map((severity) => `<li><span class="swatch swatch-${severity}"></span>${escapeHtml(severity)} ${last.counts[severity] ?? 0}</li>`).join('')}</ul>`;
  const rows = points
    .slice(-30)
    .reverse()
    .map(
      (point) =>
        `<tr><td><time datetime="${escapeHtml(point.at)}">${escapeHtml(point.at)}</time></td>${STACK.map((severity) => `<td class="n">${point.counts[severity] ?? 0}</td>`).join('')}<td class="n">${total(point.counts)}</td></tr>`,
    )
    .join('');
  return [
    `<svg class="chart" role="img" aria-labelledby="trend-title trend-desc" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">`,
    `<title id="trend-title">Open findings by severity over time</title><desc id="trend-desc">${escapeHtml(summary)}</desc>`,
    grid,
    ...areas,
    line,
    labels,
    '</svg>',
    legend,
    `<details><summary>Trend as a table (latest ${Math.min(30, points.length)} scans)</summary><div class="table-wrap"><table><thead><tr><th scope="col">Scan</th>${STACK.map((severity) => `<th scope="col" class="n">${escapeHtml(severity)}</th>`).join('')}<th scope="col" class="n">Open</th></tr></thead><tbody>${rows}</tbody></table></div></details>`,
  ].join('\n');
}
