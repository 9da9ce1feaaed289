/**
 * Mutations of seed files, as fast-check arbitraries: what hostile or broken repositories hold
 * (truncation, byte flips, odd code points, deep nesting, long lines, huge counts, duplication).
 * A case is a recipe (seed + steps) applied deterministically, so a failure prints what to replay.
 */
import fc from 'fast-check';

/** Code points parsers have tripped on: odd whitespace, BOM, separators, bidi controls, lone surrogates. */
export const ODD_CHARACTERS = [
  '\v', '\f', '\0', '\r', '\t', '\u0085', '\u00a0', '\u1680', '\u2000', '\u200b', '\u2028', '\u2029', '\u202e', '\u2066',
  '\u3000', '\ufeff', '\ufffd', '\ud800', '\udfff', '\uffff', '\u{1f600}', '\\', '"', "'", '`', '%', '\u0000',
];

/** Strings that turn into keys, file names, regular expressions or URIs somewhere. */
export const HOSTILE_TOKENS = [
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', '..', '../../../etc/passwd', '/', 'C:\\', '%', '%E0%A4%A', '%00',
  '\ud800', '(?<', '[', '*', '+?', '\\u{', '${x}', '{{', '&amp;', '<!ENTITY x "y">', ']]>', 'NaN', '-0', '1e309',
  '9'.repeat(400), 'file:///etc/passwd', 'ext::sh -c', '--upload-pack=x', '\u202egnp.exe', '~', '!', '&a', '*a', '<<',
];

/** Openers that nest in the formats Sieve reads (JSON, YAML, TOML, XML, Elixir terms, go.mod blocks). */
const OPENERS = ['[', '{"a":', '{"dependencies":{"a":', '- ', '  ', 'a:\n' , '(', '<a>', '%{', '[[', 'require (\n'];
const LONG_LINE_CHARACTERS = [' ', 'a', '"', '\\', '#', '=', '-', '\t', '0', '\u00a0', ','];

/** How large the big mutations may get. */
export interface Scale {
  maxDepth: number;
  maxLineLength: number;
  maxRepeat: number;
  /** A mutated case is cut to this many characters. */
  maxChars: number;
}

/** `npm test`: big enough to show a quadratic parser, small enough for 1,000 cases a parser on 2 cores. */
export const CI_SCALE: Scale = { maxDepth: 3_000, maxLineLength: 120_000, maxRepeat: 5_000, maxChars: 1_000_000 };
/** `npm run fuzz`: the sizes of issue 13 (20,000-deep lockfiles, 100 KB lines, 20,000 entries). */
export const FULL_SCALE: Scale = { maxDepth: 25_000, maxLineLength: 200_000, maxRepeat: 20_000, maxChars: 4_000_000 };

export type MutationKind =
  | 'truncate'
  | 'flip'
  | 'odd-character'
  | 'odd-whitespace'
  | 'hostile-token'
  | 'duplicate'
  | 'deep-nesting'
  | 'long-line'
  | 'huge-count'
  | 'empty'
  | 'random';

export type Step =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; char: string }
  | { kind: 'odd-character'; at: number; char: string; count: number }
  | { kind: 'odd-whitespace'; from: string; to: string }
  | { kind: 'hostile-token'; at: number; token: string }
  | { kind: 'duplicate'; at: number; length: number; times: number }
  | { kind: 'deep-nesting'; at: number; opener: string; depth: number }
  | { kind: 'long-line'; at: number; char: string; length: number }
  | { kind: 'huge-count'; line: number; times: number }
  | { kind: 'empty'; text: string }
  | { kind: 'random'; at: number; text: string };

export interface Recipe {
  seed: number;
  steps: Step[];
}

const position = fc.nat({ max: 1_000_000_000 });

function stepArbitrary(scale: Scale, skip: ReadonlySet<MutationKind>): fc.Arbitrary<Step> {
  const options: Array<[MutationKind, number, fc.Arbitrary<Step>]> = [
    ['truncate', 4, fc.record({ kind: fc.constant('truncate' as const), at: position })],
    [
      'flip',
      5,
      fc.record({
        kind: fc.constant('flip' as const),
        at: position,
        char: fc.oneof(
          fc.constantFrom(...ODD_CHARACTERS),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
          fc.constantFrom('{', '}', '[', ']', ':', ',', '\n', '=', '@', '/'),
        ),
      }),
    ],
    [
      'odd-character',
      4,
      fc.record({ kind: fc.constant('odd-character' as const), at: position, char: fc.constantFrom(...ODD_CHARACTERS), count: fc.integer({ min: 1, max: 4 }) }),
    ],
    [
      'odd-whitespace',
      2,
      fc.record({
        kind: fc.constant('odd-whitespace' as const),
        from: fc.constantFrom(' ', '\n', '\t'),
        to: fc.constantFrom('\v', '\f', '\u00a0', '\u2028', '\u2029', '\ufeff', '\r', '\u3000', '\r\n', '\u0085'),
      }),
    ],
    ['hostile-token', 4, fc.record({ kind: fc.constant('hostile-token' as const), at: position, token: fc.constantFrom(...HOSTILE_TOKENS) })],
    [
      'duplicate',
      3,
      fc.record({ kind: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 4_000 }), times: fc.integer({ min: 2, max: 50 }) }),
    ],
    [
      'deep-nesting',
      1,
      fc.record({ kind: fc.constant('deep-nesting' as const), at: position, opener: fc.constantFrom(...OPENERS), depth: fc.integer({ min: 2, max: scale.maxDepth }) }),
    ],
    [
      'long-line',
      1,
      fc.record({
        kind: fc.constant('long-line' as const),
        at: position,
        char: fc.constantFrom(...LONG_LINE_CHARACTERS),
        length: fc.integer({ min: 1_000, max: scale.maxLineLength }),
      }),
    ],
    ['huge-count', 1, fc.record({ kind: fc.constant('huge-count' as const), line: position, times: fc.integer({ min: 100, max: scale.maxRepeat }) })],
    [
      'empty',
      1,
      fc.record({
        kind: fc.constant('empty' as const),
        text: fc.constantFrom('', ' ', '\n\n', '\ufeff', '\t \r\n', '\0', 'version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n'),
      }),
    ],
    ['random', 2, fc.record({ kind: fc.constant('random' as const), at: position, text: fc.string({ unit: 'binary', maxLength: 200 }) })],
  ];
  return fc.oneof(...options.filter(([kind]) => !skip.has(kind)).map(([, weight, arbitrary]) => ({ weight, arbitrary })));
}

/** A seed and one to three mutations, minus the kinds a target skips (known-open classes). */
export function recipeArbitrary(seeds: number, scale: Scale, skip: ReadonlySet<MutationKind> = new Set()): fc.Arbitrary<Recipe> {
  return fc.record({
    seed: fc.nat({ max: Math.max(0, seeds - 1) }),
    // Sometimes the seed as it is: the happy path must pass the same property.
    steps: fc.oneof({ weight: 1, arbitrary: fc.constant([] as Step[]) }, { weight: 9, arbitrary: fc.array(stepArbitrary(scale, skip), { minLength: 1, maxLength: 3 }) }),
  });
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** `piece` repeated, at most until the case is `maxChars` long (V8 strings end near 512 MiB). */
function repeat(piece: string, times: number, maxChars: number): string {
  return piece.length === 0 ? '' : piece.repeat(Math.max(0, Math.min(times, Math.floor(maxChars / piece.length))));
}

function applyStep(text: string, step: Step, maxChars: number): string {
  const at = 'at' in step ? step.at % (text.length + 1) : 0;
  switch (step.kind) {
    case 'truncate':
      return text.slice(0, at);
    case 'flip':
      return text.slice(0, at) + step.char + text.slice(at + 1);
    case 'odd-character':
      return text.slice(0, at) + repeat(step.char, step.count, maxChars) + text.slice(at);
    case 'odd-whitespace':
      return text.split(step.from).join(step.to);
    case 'hostile-token':
      return text.slice(0, at) + step.token + text.slice(at);
    case 'duplicate': {
      const slice = text.slice(at, at + step.length);
      return text.slice(0, at) + repeat(slice, step.times, maxChars) + text.slice(at);
    }
    case 'deep-nesting': {
      const indent = step.opener.trim() === '' || step.opener.endsWith('\n');
      const depth = Math.min(step.depth, Math.floor(Math.sqrt(maxChars)));
      const nest = indent ? Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join('') : repeat(step.opener, depth, maxChars);
      return text.slice(0, at) + nest + text.slice(at);
    }
    case 'long-line':
      return text.slice(0, at) + repeat(step.char, step.length, maxChars) + text.slice(at);
    case 'huge-count': {
      const starts = lineStarts(text);
      const index = step.line % starts.length;
      const start = starts[index]!;
      const end = starts[index + 1] ?? text.length;
      const line = text.slice(start, end);
      return text.slice(0, end) + repeat(line.endsWith('\n') ? line : `\n${line}`, step.times, maxChars) + text.slice(end);
    }
    case 'empty':
      return step.text;
    case 'random':
      return text.slice(0, at) + step.text + text.slice(at);
  }
}

export function applyRecipe(seeds: readonly string[], recipe: Recipe, scale: Scale): string {
  let text = seeds[recipe.seed] ?? '';
  for (const step of recipe.steps) {
    text = applyStep(text, step, scale.maxChars);
    if (text.length > scale.maxChars) text = text.slice(0, scale.maxChars);
  }
  return text;
}

/** A short, printable description of a recipe for a failure message. */
export function describeRecipe(recipe: Recipe): string {
  return JSON.stringify(recipe, (_key, value: unknown) => (typeof value === 'string' && value.length > 40 ? `${value.slice(0, 40)}…(${value.length})` : value));
}
