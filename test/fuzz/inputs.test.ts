/** The fuzz suite (issue 13), other half: SARIF import, OSV records, version schemes, config and rules loaders. */
import { fuzzSuite } from './suite.js';
import { configTarget, osvTarget, rulesTarget, sarifTarget, versionTargets } from './targets.js';

fuzzSuite('SARIF, OSV, versions, config and rules', [sarifTarget(), osvTarget(), ...versionTargets(), configTarget(), rulesTarget()]);
