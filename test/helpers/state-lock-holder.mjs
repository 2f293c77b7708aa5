// Holds the state lock of a directory in its own process (for the lock tests), until killed.
//
//   node --import tsx test/helpers/state-lock-holder.mjs <stateDir>
// Prints `held <pid>` or `refused <message>` on stdout.
import process from 'node:process';
import { setInterval } from 'node:timers';
import { acquireStateLock } from '../../src/config/state-lock.ts';

const res = acquireStateLock(process.argv[2]);
if (!res.ok) {
  process.stdout.write(`refused ${res.message}\n`);
  process.exit(1);
}
process.on('exit', () => res.lock.release());
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1 << 30);
process.stdout.write(`held ${process.pid}\n`);
