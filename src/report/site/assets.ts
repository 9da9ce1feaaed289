/**
 * The dashboard's stylesheet and script. They are inlined in every page (with CSP hashes), so the
 * site is a folder of plain files that opens from file:// and loads nothing from anywhere.
 */

export { SITE_CSS } from '../style.js';

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

/** Fleet search: a client-side filter over the index embedded in the page; nothing is fetched. */
export const SEARCH_JS = `
(function () {
  var data = document.getElementById('search-index');
  var form = document.getElementById('search');
  var input = document.getElementById('q');
  var out = document.getElementById('search-results');
  var status = document.getElementById('search-status');
  if (!data || !form || !input || !out || !status) return;
  var index = JSON.parse(data.textContent || '[]');
  form.hidden = false;
  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }
  function run() {
    var query = input.value.trim().toUpperCase();
    out.textContent = '';
    if (!query) { status.textContent = 'Type a vulnerability id or alias (CVE, GHSA, PYSEC, GO, RUSTSEC...).'; return; }
    var hits = index.filter(function (entry) {
      return entry.ids.some(function (id) { return id.toUpperCase() === query; }) ||
        (query.length >= 4 && entry.ids.some(function (id) { return id.toUpperCase().indexOf(query) === 0; }));
    });
    var targets = {};
    hits.forEach(function (entry) { targets[entry.target] = true; });
    var count = Object.keys(targets).length;
    status.textContent = hits.length + (hits.length === 1 ? ' finding' : ' findings') + ' in ' + count + (count === 1 ? ' repository' : ' repositories');
    hits.forEach(function (entry) {
      var item = document.createElement('li');
      var link = text('a', entry.target);
      link.href = 'targets/' + encodeURIComponent(entry.slug) + '.html';
      item.appendChild(link);
      item.appendChild(document.createTextNode(' '));
      item.appendChild(text('span', entry.severity, 'sev sev-' + entry.severity));
      if (entry.kev) { item.appendChild(document.createTextNode(' ')); item.appendChild(text('span', 'known exploited', 'kev')); }
      item.appendChild(text('div', entry.ids.join(', ') + ' in ' + entry.pkg + ' (' + entry.path + ')' + (entry.fixed ? ', fixed in ' + entry.fixed : ''), 'msg'));
      out.appendChild(item);
    });
  }
  form.addEventListener('submit', function (event) { event.preventDefault(); run(); });
  input.addEventListener('input', run);
  var params = new URLSearchParams(window.location.search);
  if (params.get('q')) input.value = params.get('q');
  run();
})();
`;
