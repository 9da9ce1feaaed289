import { describe, expect, it } from 'vitest';
import { scanObjectKeyLines } from '../../../src/inventory/npm/json-key-lines.js';

function collect(text: string): string[] {
  JSON.parse(text); // the scanner's precondition
  const out: string[] = [];
  scanObjectKeyLines(text, (parents, key, line) => out.push(`${[...parents, key].join('/')}:${line}`));
  return out;
}

describe('scanObjectKeyLines', () => {
  it('reports object-valued keys with their parents and lines', () => {
    const text = '{\n "a": {\n  "b": { "c": 1 },\n  "d": [ { "e": {} } ]\n },\n "f": 2\n}';
    expect(collect(text)).toEqual(['a:2', 'a/b:3', 'a/d/[]/e:4']);
  });

  it('is not fooled by braces, quotes and backslashes inside strings', () => {
    const text = '{\n "x": "{ \\"y\\": {",\n "z\\\\": {\n  "w\\"q": {}\n },\n "v": "\\\\"\n, "u": {}\n}';
    expect(collect(text)).toEqual(['z\\:3', 'z\\/w"q:4', 'u:7']);
  });

  it('does not count newlines escaped inside strings', () => {
    expect(collect('{"a": "line\\nbreak",\n"b": {}}')).toEqual(['b:2']);
  });
});
