// A process that races for a home's lock at an agreed moment and says whether it won.
import { tryAcquire } from '../../src/cli/home-lock.js';

const [home, startAt] = process.argv.slice(2) as [string, string];
while (Date.now() < Number(startAt)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
const outcome = tryAcquire(home);
process.stdout.write('acquired' in outcome ? 'won' : 'lost');
// The winner holds the lock while the others race: a lock whose process has exited is stale, and
// taking it over then would be right.
if ('acquired' in outcome) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, Number(startAt) + 4000 - Date.now()));
