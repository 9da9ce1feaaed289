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

  const grid = [0, 0.5, 1]
    .map((fraction) => {
      const value = Math.round(top * fraction);
      const gy = y(value).toFixed(1);
      return `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${gy}" y2="${gy}"/><text x="${PAD.left - 6}" y="${gy}" text-anchor="end" dominant-baseline="middle">${value}</text>`;
    })
    .join('');
  const labels =
    `<text x="${PAD.left}" y="${HEIGHT - 10}" text-anchor="start">${escapeHtml(first.at.slice(0, 10))}</text>` +
    (points.length > 1 ? `<text x="${WIDTH - PAD.right}" y="${HEIGHT - 10}" text-anchor="end">${escapeHtml(last.at.slice(0, 10))}</text>` : '');
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

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}
