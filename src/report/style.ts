/**
 * The stylesheet every HTML view shares (the dashboard and the weekly diff): inlined in each page
 * with a CSP hash. Kept out of report/site/ so the weekly diff's writer loads without the site.
 */
export const SITE_CSS = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa;--card:#f6f8fa;--link:#0b5cad;--focus:#0b5cad;--chart:#0b5cad;--grid:#d1d9e0}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--head:#151b23;--card:#151b23;--link:#66b3ff;--focus:#66b3ff;--chart:#66b3ff;--grid:#3d444d}}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header,main,footer{max-width:86rem;margin:0 auto;padding:0 1rem}
header{padding-top:1.25rem}
h1{font-size:1.6rem;margin:.25rem 0}
h2{font-size:1.2rem;margin:1.75rem 0 .5rem}
a{color:var(--link)}
a:focus-visible,select:focus-visible,input:focus-visible,button:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:var(--bg);padding:.25rem .5rem}
.muted{color:var(--muted)}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.25rem 0 1rem}
caption{text-align:left;color:var(--muted);padding:.25rem 0}
th,td{border-bottom:1px solid var(--line);padding:.4rem .55rem;text-align:left;vertical-align:top}
thead th{background:var(--head);border-bottom:2px solid var(--line);white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0;padding:0;list-style:none}
.cards li{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.6rem .9rem;min-width:8rem}
.cards .big{display:block;font-size:1.5rem;font-weight:650}
.sev,.status{display:inline-block;border-radius:1em;padding:0 .6em;font-size:.85em;font-weight:600;white-space:nowrap}
.sev-critical{background:#8c1027;color:#fff}.sev-high{background:#a33a0b;color:#fff}.sev-medium{background:#f2c744;color:#1f2328}
.sev-low{background:#1f5fbf;color:#fff}.sev-unknown{background:#59636e;color:#fff}
.status-ok{background:#1a7f37;color:#fff}.status-partial{background:#f2c744;color:#1f2328}.status-failed{background:#b42318;color:#fff}
.status-skipped,.status-never{background:#59636e;color:#fff}
.kev{display:inline-block;border-radius:1em;padding:0 .6em;font-size:.85em;font-weight:700;white-space:nowrap;background:#5b1a8c;color:#fff}
.zero{color:var(--muted)}
form.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:end;margin:.5rem 0}
form.filters .field{display:flex;flex-direction:column;font-size:.9em;gap:.2rem}
select,input{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--muted);border-radius:4px;padding:.25rem .4rem}
svg.chart{max-width:100%;height:auto}
svg.chart .line{fill:none;stroke:var(--chart);stroke-width:2.5}
svg.chart .dot{fill:var(--chart)}
svg.chart .grid{stroke:var(--grid);stroke-width:1}
svg.chart text{fill:var(--muted);font-size:12px}
.msg{color:var(--muted);font-size:.9em;overflow-wrap:anywhere}
ul.errors{margin:.25rem 0 1rem}
footer{margin-top:2rem;padding-bottom:2rem;color:var(--muted);font-size:.9em}
.status-stale{background:#8a5a00;color:#fff}
.banner{border:1px solid #b42318;border-left-width:6px;border-radius:6px;padding:.5rem .8rem;margin:1rem 0}
.banner strong{color:#b42318}
@media (prefers-color-scheme:dark){.banner strong{color:#ff8a80}}
nav.top{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:.25rem 0}
ol.plan,ul.plan{padding-left:1.4rem}ol.plan li,ul.plan li{margin:.25rem 0}
.change{font-weight:600;white-space:nowrap}
svg.chart .area-critical{fill:#8c1027}svg.chart .area-high{fill:#a33a0b}svg.chart .area-medium{fill:#f2c744}svg.chart .area-low{fill:#1f5fbf}svg.chart .area-unknown{fill:#59636e}
svg.chart .total{fill:none;stroke:var(--fg);stroke-width:1.5}
ul.legend{display:flex;flex-wrap:wrap;gap:.5rem 1rem;list-style:none;padding:0;margin:.25rem 0}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;vertical-align:-.05em}
.swatch-critical{background:#8c1027}.swatch-high{background:#a33a0b}.swatch-medium{background:#f2c744}.swatch-low{background:#1f5fbf}.swatch-unknown{background:#59636e}
td{overflow-wrap:break-word}
#search-results li{margin:.4rem 0}
/* Phones: a table of class "rows" becomes one card per row, each cell labelled; the page never scrolls sideways. */
@media (max-width:720px){
h1{font-size:1.3rem}
.cards li{min-width:0;flex:1 1 40%}
table.rows thead{display:none}
table.rows,table.rows tbody,table.rows tr,table.rows th,table.rows td{display:block;width:100%}
table.rows tr{border:1px solid var(--line);border-radius:6px;margin:0 0 .75rem;padding:.35rem .55rem}
table.rows th,table.rows td{border:0;padding:.15rem 0;text-align:left;overflow-wrap:anywhere}
table.rows td.n{text-align:left}
table.rows [data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:.85em;font-weight:400}
table.rows td.zero,table.rows td:empty{display:none}
}
`;
