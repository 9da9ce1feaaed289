// A process that races for a home's lock at an agreed moment and says whether it won.
import { tryAcquire } from '../../src/cli/home-lock.js';

const [home, startAt] = process.argv.slice(2) as [string, string];
while (Date.now() < Number(startAt)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
const outcome = tryAcquire(home);
process.stdout.write('acquired' in outcome ? 'won' : 'lost');
