/**
 * The dashboard's stylesheet and script. They are inlined in every page (with CSP hashes), so the
 * site is a folder of plain files that opens from file:// and loads nothing from anywhere.
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
`;

/** Client-side filters of a target's findings table: plain DOM, no server, no libraries. */
export const TARGET_JS = `
(function () {
  var form = document.getElementById('filters');
  var table = document.getElementById('findings');
  if (!form || !table) return;
  form.hidden = false;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var kind = document.getElementById('f-kind');
  var severity = document.getElementById('f-severity');
  var state = document.getElementById('f-state');
  var text = document.getElementById('f-text');
  var shown = document.getElementById('shown');
  function apply() {
    var query = text.value.trim().toLowerCase();
    var count = 0;
    rows.forEach(function (row) {
      var match = (!kind.value || row.getAttribute('data-kind') === kind.value) &&
        (!severity.value || row.getAttribute('data-severity') === severity.value) &&
        (!state.value || row.getAttribute('data-state') === state.value) &&
        (!query || row.textContent.toLowerCase().indexOf(query) !== -1);
      row.hidden = !match;
      if (match) count++;
    });
    shown.textContent = count + ' of ' + rows.length + ' findings shown';
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  apply();
})();
`;
