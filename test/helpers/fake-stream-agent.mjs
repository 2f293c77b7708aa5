// The shared body of test/helpers/fake-codex and fake-gemini: a launcher process that starts a
// "native" child which replays a genuine recorded stream from test/fixtures/<agent>-cli/.
//
// `--version` prints the recorded CLI's version. The scenario is the word after "scenario:" in the
// prompt, else FAKE_AGENT_SCENARIO, else plain; scenario `hang` prints nothing and waits for a
// signal (a CLI stuck at startup), in launcher and child alike. Lines come
// FAKE_AGENT_LINE_MS apart (default 10). A recording without a final line (a run that was killed)
// is replayed and then the child waits for a signal, as the real CLI would still be working.
// Scenario names ending "-sleep" also start `sleep 60` as a tool command (codex: in the agent's
// group, as its sandbox would; gemini: in a session of its own, as Gemini CLI runs shell commands).
//
// Env: FAKE_AGENT_ARGV_FILE (one JSON line of argv per run is appended), FAKE_AGENT_PIDS_FILE
// (launcher, child and tool pids appended as JSON lines).
import { spawn } from 'node:child_process';
import process from 'node:process';
import { setInterval, setTimeout } from 'node:timers';
import { appendFileSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function note(file, value) {
  if (file) appendFileSync(file, `${JSON.stringify(value)}\n`);
}

/**
 * @param {object} o
 * @param {'codex'|'gemini'} o.agent
 * @param {string} o.version what `--version` prints
 * @param {(argv: string[]) => {prompt: string, resumeId?: string}} o.parse
 * @param {'forward'|'ignore'} o.launcherSignals codex forwards SIGTERM/SIGINT to its child; gemini's launcher ignores them
 * @param {(line: object, resumeId: string) => object} o.withSession
 */
export async function fakeAgentMain(o) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--version') {
    process.stdout.write(`${o.version}\n`);
    process.exit(0);
  }
  if (process.env.FAKE_AGENT_CHILD !== '1') {
    note(process.env.FAKE_AGENT_ARGV_FILE, argv);
    note(process.env.FAKE_AGENT_PIDS_FILE, { role: 'launcher', agent: o.agent, pid: process.pid });
    const child = spawn(process.execPath, [process.argv[1], ...argv], {
      stdio: 'inherit',
      env: { ...process.env, FAKE_AGENT_CHILD: '1' },
    });
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
      process.on(sig, () => {
        if (o.launcherSignals === 'forward') child.kill(sig);
      });
    }
    child.on('exit', (code, signal) => {
      if (signal) {
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      } else process.exit(code ?? 1);
    });
    return;
  }
  note(process.env.FAKE_AGENT_PIDS_FILE, { role: 'child', pid: process.pid });
  const { prompt, resumeId } = o.parse(argv);
  const scenario = /scenario:([\w-]+)/.exec(prompt)?.[1] ?? process.env.FAKE_AGENT_SCENARIO ?? 'plain';
  if (scenario === 'hang') {
    // Stuck before its first line, deaf to SIGTERM like Gemini CLI's launcher.
    process.on('SIGTERM', () => undefined);
    setInterval(() => undefined, 1000);
    return;
  }
  const file = resumeId !== undefined && scenario === 'plain' ? 'resume' : scenario;
  const dir = join(here, `../fixtures/${o.agent}-cli`);
  const name = file.endsWith('-sleep') ? file.slice(0, -'-sleep'.length) : file;
  const lines = readFileSync(join(dir, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean);
  const summary = JSON.parse(readFileSync(join(dir, `${name}.summary.json`), 'utf8'));
  if (o.agent === 'gemini') {
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => process.exit(0));
  } else {
    process.on('SIGINT', () => process.exit(1));
  }
  if (file.endsWith('-sleep')) {
    const tool = spawn('sleep', ['60'], { stdio: 'ignore', detached: o.agent === 'gemini' });
    note(process.env.FAKE_AGENT_PIDS_FILE, { role: 'tool', pid: tool.pid });
    tool.unref();
  }
  const gap = Number(process.env.FAKE_AGENT_LINE_MS ?? '10');
  let final = false;
  for (const text of lines) {
    let line = JSON.parse(text);
    if (resumeId !== undefined) line = o.withSession(line, resumeId);
    writeSync(1, `${JSON.stringify(line)}\n`);
    final = o.agent === 'codex' ? /^turn\.(completed|failed)$/.test(line.type) : line.type === 'result';
    await sleep(gap);
  }
  if (summary.stderr) process.stderr.write(summary.stderr.slice(-2000));
  const killed = summary.exit_signal !== null || summary.signal !== null;
  if (!final && killed) {
    // The recording ended by a signal: keep working until one comes.
    setInterval(() => undefined, 1000);
    return;
  }
  process.exit(summary.exit_code ?? 1);
}
