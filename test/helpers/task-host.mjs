// A host process for the task engine's restart tests: runs a TaskManager (imported from the
// TypeScript source, so start it with `node --import tsx`), spawns the tasks named in its
// config and reports what happens as JSON lines on stdout, until it is killed.
//
//   node --import tsx test/helpers/task-host.mjs <config.json>
//   config: { stateDir, roots, env, claudePath?, maxConcurrent?, backend?, commandArgv?, spawns: SpawnOptions[] }
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { setInterval } from 'node:timers';
import { TaskManager } from '../../src/tasks/task-manager.ts';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const say = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

// The manager's timers are unref'd by design; the host itself stays alive until killed.
setInterval(() => {}, 1 << 30);

const m = new TaskManager({
  stateDir: config.stateDir,
  roots: config.roots,
  env: config.env,
  claudePath: config.claudePath,
  maxConcurrent: config.maxConcurrent ?? 8,
  backend: config.backend,
  commandArgv: config.commandArgv,
  tailPollMs: 50,
  watchIntervalMs: 50,
});
m.on('error', (e) => say({ event: 'error', message: e.message }));
m.on('finished', (t) => say({ event: 'finished', id: t.id, status: t.status }));
m.on('updated', (t) =>
  say({
    event: 'updated',
    id: t.id,
    status: t.status,
    session: t.claudeSessionId ?? null,
    pid: t.runs.at(-1)?.pid ?? null,
  }),
);
m.on('output', (id, entries) => say({ event: 'output', id, n: entries.length }));
await m.start();
for (const s of config.spawns) {
  const r = await m.spawn(s);
  say(
    r.ok
      ? { event: 'spawned', id: r.value.id, name: r.value.name, status: r.value.status }
      : { event: 'refused', message: r.message },
  );
}
say({ event: 'ready', pid: process.pid });
