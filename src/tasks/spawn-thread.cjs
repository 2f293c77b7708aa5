// The spawn thread (worker_threads), owned by spawn-off-thread.ts: it starts processes so that the
// app's own thread never waits for one to start.
//
// Why: starting a process blocks its caller until the child has called exec (libuv forks, then
// reads the child's error pipe). On a loaded two-core machine that took 13–300 ms per process; the
// screen stood still for that long at every task start and every git call around it.
//
// Requests (one object per message, `id` chosen by the caller):
//   {id, kind: 'detached', file, args, options}  execa with these options; answers
//        {id, t: 'started', pid} (pid undefined when it did not start), then {id, t: 'exited', exit}.
//   {id, kind: 'run', file, args, options}       execa to the end; answers {id, t: 'done', result}.
// Options are execa options (structured-cloneable: file descriptors as numbers, no streams).
'use strict';
const { parentPort } = require('node:worker_threads');

/** execa, loaded once (it is ESM only). */
let execaPromise;
function loadExeca() {
  execaPromise ??= import('execa').then((m) => m.execa);
  return execaPromise;
}

function messageOf(e) {
  return e instanceof Error ? e.message : String(e);
}

/** The plain facts of an execa result (or of what it threw), for the app thread. */
function factsOf(r) {
  return {
    exitCode: r.exitCode,
    signal: r.signal,
    stdout: typeof r.stdout === 'string' ? r.stdout : undefined,
    stderr: typeof r.stderr === 'string' ? r.stderr : undefined,
    failed: r.failed === true,
    timedOut: r.timedOut === true,
    shortMessage: r.shortMessage,
    originalMessage: r.originalMessage,
  };
}

async function detached(req) {
  let sub;
  try {
    const execa = await loadExeca();
    sub = execa(req.file, req.args, req.options);
  } catch (e) {
    parentPort.postMessage({ id: req.id, t: 'started', pid: undefined });
    parentPort.postMessage({ id: req.id, t: 'exited', threw: messageOf(e) });
    return;
  }
  parentPort.postMessage({ id: req.id, t: 'started', pid: sub.pid });
  sub.then(
    (r) => parentPort.postMessage({ id: req.id, t: 'exited', result: factsOf(r) }),
    (e) => parentPort.postMessage({ id: req.id, t: 'exited', threw: messageOf(e) }),
  );
}

async function run(req) {
  try {
    const execa = await loadExeca();
    const r = await execa(req.file, req.args, req.options);
    parentPort.postMessage({ id: req.id, t: 'done', result: factsOf(r) });
  } catch (e) {
    parentPort.postMessage({ id: req.id, t: 'done', threw: messageOf(e) });
  }
}

parentPort.on('message', (req) => {
  if (req.kind === 'detached') void detached(req);
  else if (req.kind === 'run') void run(req);
});
