/**
 * CWE ids in one spelling, and the coarse categories users filter by ("only injection-class").
 * The map is deliberately small: the CWEs analyzers and advisories actually report, grouped the
 * way a security team reads them. Anything unmapped is `other`.
 */

export const CATEGORIES = [
  'injection',
  'cross-site scripting',
  'path traversal',
  'deserialization',
  'secrets',
  'cryptography',
  'denial of service',
  'memory safety',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

const CWE_PATTERN = /^(?:external\/cwe\/)?(?:cwe)?[-_:/ ]?0*(\d{1,6})(?!\d)/i;

/** `external/cwe/cwe-79`, `CWE-79`, `cwe-079`, `79` → `CWE-79`; anything else → undefined. */
export function normalizeCwe(value: string): string | undefined {
  const text = value.trim();
  if (!/^(external\/cwe\/)?(cwe)?[-_:/ ]?\d/i.test(text)) return undefined;
  const match = CWE_PATTERN.exec(text);
  return match ? `CWE-${Number(match[1])}` : undefined;
}

const GROUPS: Record<Exclude<Category, 'other'>, number[]> = {
  injection: [74, 75, 77, 78, 88, 89, 90, 91, 93, 94, 95, 96, 97, 99, 113, 134, 470, 564, 611, 643, 652, 776, 917, 943, 1236, 1336],
  'cross-site scripting': [79, 80, 81, 83, 84, 85, 86, 87],
  'path traversal': [22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 73, 59, 61, 98],
  deserialization: [502],
  secrets: [256, 257, 259, 260, 312, 313, 314, 315, 316, 321, 522, 532, 538, 540, 615, 798],
  cryptography: [295, 296, 297, 310, 311, 319, 320, 323, 324, 325, 326, 327, 328, 329, 330, 331, 335, 336, 337, 338, 347, 757, 759, 760, 780, 916],
  'denial of service': [400, 401, 405, 407, 409, 674, 770, 771, 772, 789, 834, 835, 1050, 1333],
  'memory safety': [118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 131, 170, 190, 191, 193, 415, 416, 457, 476, 680, 762, 763, 787, 788, 805, 806, 822, 823, 824, 825],
};

const CATEGORY_OF = new Map<string, Category>();
for (const [category, ids] of Object.entries(GROUPS) as Array<[Category, number[]]>) {
  for (const id of ids) if (!CATEGORY_OF.has(`CWE-${id}`)) CATEGORY_OF.set(`CWE-${id}`, category);
}

/** The category of one CWE id (any spelling); `other` when unmapped or unreadable. */
export function categoryOfCwe(cwe: string): Category {
  const id = normalizeCwe(cwe);
  return (id && CATEGORY_OF.get(id)) || 'other';
}

/** Categories of a finding's CWEs, in CATEGORIES order; `['other']` when none maps. */
export function categoriesFor(cwes: readonly string[]): Category[] {
  const found = new Set<Category>();
  for (const cwe of cwes) found.add(categoryOfCwe(cwe));
  if (found.size > 1) found.delete('other');
  if (found.size === 0) found.add('other');
  return CATEGORIES.filter((category) => found.has(category));
}

/** Normalised, de-duplicated CWE ids of a list; unreadable entries are dropped. */
export function normalizeCwes(cwes: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const cwe of cwes) {
    const id = normalizeCwe(cwe);
    if (id) ids.add(id);
  }
  return [...ids].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
}
