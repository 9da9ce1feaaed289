import type { AnalyzerPreset } from '../types.js';

/**
 * Trivy: import only. Its filesystem scan downloads a vulnerability database and a checks bundle
 * when it starts, and Sieve's nightly runs fetch nothing the operator did not install (many build
 * machines reach only package registries). Run trivy where it can fetch, e.g. in CI with
 * `trivy fs --format sarif`, and list its SARIF files under the target's `sarif`.
 */
export const trivy: AnalyzerPreset = {
  id: 'trivy',
  sources: ['trivy'],
  description: 'import of Trivy SARIF files only (trivy downloads its databases when it runs)',
};
