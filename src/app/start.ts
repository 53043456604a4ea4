/**
 * `scripts/start.sh`'s entry: the sandbox when nothing is configured, otherwise main.ts (the real runtime). The
 * sandbox module is imported only on that branch, so the real path never loads the simulation.
 */
import { existsSync } from 'node:fs';
import { launchMode } from './launch-mode.js';

const chosen = launchMode(process.env, existsSync);
const started =
  chosen.mode === 'sandbox'
    ? import('../sandbox/main.js').then((m) => m.runSandbox(process.argv.slice(2)))
    : import('./main.js').then((m) => m.main());
started.catch((err: unknown) => {
  process.stderr.write(`coxswain: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
