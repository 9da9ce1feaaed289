/**
 * Every bound Sieve puts on a lockfile, manifest or SBOM it inventories, in one place. Parsers
 * are linear in their input; these limits make a hostile file cost a bounded time and memory
 * and end in an InputLimitError that names the file and the limit. Listed in
 * docs/operations.md ("Input limits"): change both together.
 */
export const INPUT_LIMITS = {
  /** Bytes of one file; a larger one is refused before it is read. */
  maxFileBytes: 64 * 1024 * 1024,
  /**
   * Characters of one line in the line-oriented formats (requirements.txt, go.mod, go.sum,
   * yarn.lock, Gemfile.lock, gradle.lockfile, mix.lock). JSON, YAML, TOML and XML files may be
   * minified onto one line, so they are bounded by size and depth instead.
   */
  maxLineLength: 64 * 1024,
  /** Lines of one line-oriented or YAML file. */
  maxLines: 2_000_000,
  /** Nesting: v1 package-lock `dependencies` chains, JSON containers, SBOM component trees. */
  maxNestingDepth: 1_000,
  /** Package entries one file may list (a monorepo's lockfile holds tens of thousands). */
  maxEntries: 500_000,
  /** Warnings kept per file; the rest are counted in one last warning. */
  maxWarningsPerFile: 1_000,
  /** Nested SBOM components read; deeper ones are left out with a warning. */
  maxSbomComponentDepth: 64,
  /** requirements.txt `-r`/`-c` includes: nesting, and files one top-level file pulls in. */
  maxIncludeDepth: 10,
  maxIncludedFiles: 200,
  /** pom.xml: local parents followed, `${property}` passes, and characters a resolved value may reach. */
  maxPomParents: 10,
  maxPomInterpolationPasses: 10,
  maxPomPropertyLength: 4 * 1024,
} as const;

export type InputLimit = keyof typeof INPUT_LIMITS;
