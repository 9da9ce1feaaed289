/** Figures for the SARIF stage: line hashing throughput and import of a large generated log. */
import { importSarif } from '../src/sarif/import.js';
import { primaryLocationLineHashes } from '../src/sarif/line-hash.js';

function time<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: performance.now() - started };
}

export async function bench(): Promise<void> {
  const line = '  const value = compute(input, options) + other.call(thing, "literal string");\n';
  const source = line.repeat(Math.ceil((4 * 1024 * 1024) / line.length));
  const hashed = time(() => primaryLocationLineHashes(source));
  const mib = Buffer.byteLength(source) / 1024 / 1024;
  console.log(`line-hash: ${mib.toFixed(1)} MiB, ${hashed.value.length} lines in ${hashed.ms.toFixed(0)} ms (${(mib / (hashed.ms / 1000)).toFixed(1)} MiB/s)`);

  const results = Array.from({ length: 50_000 }, (_, i) => ({
    ruleId: `rule-${i % 40}`,
    level: 'warning',
    message: { text: `Problem number ${i}` },
    partialFingerprints: i % 2 === 0 ? { primaryLocationLineHash: `${i.toString(16)}:1` } : undefined,
    properties: { tags: ['external/cwe/cwe-079'] },
    locations: [{ physicalLocation: { artifactLocation: { uri: `src/file-${i % 500}.js`, uriBaseId: '%SRCROOT%' }, region: { startLine: (i % 300) + 1 } } }],
  }));
  const text = JSON.stringify({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'Bench', rules: Array.from({ length: 40 }, (_, i) => ({ id: `rule-${i}` })) } }, results }],
  });
  const fileText = line.repeat(300);
  const imported = time(() => importSarif(text, { sourceName: 'bench.sarif', checkoutDir: '/checkout', readFile: () => fileText }));
  console.log(
    `import: ${(text.length / 1024 / 1024).toFixed(1)} MiB, ${imported.value.findings.length} results (500 files hashed) in ${imported.ms.toFixed(0)} ms`,
  );
}
