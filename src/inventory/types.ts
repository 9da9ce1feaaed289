import type { Ecosystem, ExtractResult } from '../model/types.js';

/**
 * One lockfile or manifest format. Pure: text in, packages out; throws ParseError
 * (model/errors.ts) for a file it cannot read. The walker (walk.ts) finds the files.
 */
export interface Extractor {
  /** Stable id, `<ecosystem folder>/<format>`, e.g. `npm/package-lock`. */
  readonly id: string;
  readonly ecosystem: Ecosystem;
  /**
   * The file holds packages of many ecosystems (SBOM inputs): each Package says its own, and
   * `ecosystem` above is only nominal, so skipping an ecosystem should filter packages, not files.
   */
  readonly mixedEcosystems?: boolean;
  /**
   * The format is one entry per line (requirements.txt, go.mod): its lines are bounded by
   * INPUT_LIMITS.maxLineLength before parsing (parse-file.ts).
   */
  readonly lineOriented?: boolean;
  /**
   * File names this extractor claims, matched against the base name (picomatch globs, e.g.
   * `requirements*.txt`), or against the repo-relative path when the pattern has a `/`
   * (e.g. `.github/workflows/*.yml`).
   */
  readonly patterns: readonly string[];
  /**
   * @param content the file's text (UTF-8, BOM removed)
   * @param path the repo-relative path, for locations and error messages
   * @param readSibling reads another file of the same checkout, for formats that include others
   *   (`-r other.txt`, a local parent pom, the go.sum beside a go.mod). The path is relative to
   *   the CHECKOUT ROOT, like `path` (join the parsed file's folder and what the file writes:
   *   `svc/go.sum`, `parent/pom.xml`); undefined when it does not exist, is a symlink, or lies
   *   outside the checkout.
   */
  parse(content: string, path: string, readSibling?: (relativePath: string) => string | undefined): ExtractResult;
}
