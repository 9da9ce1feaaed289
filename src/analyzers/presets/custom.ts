import type { AnalyzerPreset } from '../types.js';

/** A user command: its `command` and `output` come from the config entry (see run.ts). */
export const custom: AnalyzerPreset = {
  id: 'custom',
  sources: [],
  description: 'a user command writing SARIF to {output} or stdout',
};
