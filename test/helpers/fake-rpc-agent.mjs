// The shared body of the server modes of test/helpers/fake-codex (`app-server`) and fake-gemini
// (`--acp`): it replays a genuine recorded JSON-RPC exchange from test/fixtures/<agent>-cli/
// (`<name>.exchange.jsonl`, one {dir: send|recv|exit, msg} per line) against the live client.
//
// A recorded "send" waits for the client's next message (its id is mapped onto the recorded
// one, so the recorded responses answer the live requests); a recorded "recv" is written out.
// The exchange is chosen by the word after "scenario:" in the prompt (the exchange's name); until
// the prompt arrives the handshake of `o.first` is replayed (every recording starts alike). When
// the client answers an approval differently from the recording, the replay continues in the
// recording of the same family (name up to its last "-") that gave that answer: accept ↔ decline.
// A follow-up's `thread/resume` / `session/load` stands for the recorded start, and the recorded
// thread/session id is replaced by the resumed one.
//
// Env: FAKE_AGENT_RPC_FILE (every client message appended as a JSON line), FAKE_AGENT_ARGV_FILE,
// FAKE_AGENT_PIDS_FILE, FAKE_RPC_CRASH (1: exit 70 when the prompt arrives),
// FAKE_AGENT_LINE_MS (gap between written lines, default 5).
import { appendFileSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SAME = { 'thread/resume': 'thread/start', 'session/load': 'session/new' };

function note(file, value) {
  if (file) appendFileSync(file, `${JSON.stringify(value)}\n`);
}

/**
 * @param {object} o
 * @param {'codex'|'gemini'} o.agent
 * @param {string} o.first the exchange whose handshake is replayed before the prompt
 * @param {string} o.promptMethod the client request that carries the prompt
 * @param {(params: object) => string} o.promptText
 */
export async function fakeRpcMain(o) {
  note(process.env.FAKE_AGENT_ARGV_FILE, process.argv.slice(2));
  note(process.env.FAKE_AGENT_PIDS_FILE, { role: 'child', pid: process.pid });
  const dir = join(here, `../fixtures/${o.agent}-cli`);
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.exchange.jsonl'))
    .map((f) => f.slice(0, -'.exchange.jsonl'.length));
  const load = (name) =>
    readFileSync(join(dir, `${name}.exchange.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  const gap = Number(process.env.FAKE_AGENT_LINE_MS ?? '5');

  // Client messages, in order.
  const queue = [];
  let wake = () => {};
  let buf = '';
  let stdinEnded = false;
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.trim()) continue;
      const msg = JSON.parse(line);
      note(process.env.FAKE_AGENT_RPC_FILE, msg);
      queue.push(msg);
      wake();
    }
  });
  process.stdin.on('end', () => {
    stdinEnded = true;
    wake();
  });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => process.exit(0));
  async function next() {
    while (queue.length === 0) {
      if (stdinEnded) process.exit(0);
      await new Promise((r) => (wake = r));
    }
    return queue.shift();
  }

  let name = o.first;
  let entries = load(name);
  let i = 0;
  const ids = new Map();
  let swap; // [recorded id, resumed id]
  const indexOf = (list, pred) => list.findIndex(pred);
  while (i < entries.length) {
    const e = entries[i];
    const m = e.msg;
    if (e.dir === 'send' && m.method !== undefined) {
      const live = await next();
      const method = SAME[live.method] ?? live.method;
      // FAKE_RPC_CRASH=1: the agent dies as the prompt arrives (a crash mid-run).
      if (method === o.promptMethod && process.env.FAKE_RPC_CRASH === '1') process.exit(70);
      if (method === o.promptMethod) {
        const wanted = /scenario:([\w-]+)/.exec(o.promptText(live.params ?? {}))?.[1];
        if (wanted && wanted !== name && names.includes(wanted)) {
          name = wanted;
          entries = load(name);
          i = indexOf(entries, (x) => x.dir === 'send' && x.msg.method === o.promptMethod);
        }
      }
      const recorded = entries[i].msg;
      if (recorded.id !== undefined) ids.set(recorded.id, live.id);
      const resumed = live.params?.threadId ?? live.params?.sessionId;
      if (live.method in SAME && typeof resumed === 'string') swap = [undefined, resumed];
      i++;
    } else if (e.dir === 'send') {
      // The client's answer to a recorded server request.
      const live = await next();
      const answer = JSON.stringify(live.result);
      if (answer !== JSON.stringify(m.result)) {
        const family = name.slice(0, name.lastIndexOf('-'));
        for (const other of names.filter((n) => n !== name && n.startsWith(`${family}-`))) {
          const list = load(other);
          const at = indexOf(
            list,
            (x) => x.dir === 'send' && x.msg.method === undefined && JSON.stringify(x.msg.result) === answer,
          );
          if (at >= 0) {
            name = other;
            entries = list;
            i = at;
            break;
          }
        }
      }
      i++;
    } else if (e.dir === 'recv') {
      let out = m;
      if (m.method === undefined && m.id !== undefined && ids.has(m.id)) out = { ...m, id: ids.get(m.id) };
      let text = JSON.stringify(out);
      if (swap) {
        if (swap[0] === undefined) {
          const rec = out.result?.thread?.id ?? out.result?.sessionId;
          if (typeof rec === 'string') swap[0] = rec;
        }
        if (swap[0] !== undefined) text = text.split(swap[0]).join(swap[1]);
      }
      writeSync(1, `${text}\n`);
      i++;
      await sleep(gap);
    } else {
      // exit: the recorded end. Wait for the client to close our stdin (or a signal).
      while (!stdinEnded) await next();
      process.exit(m.code ?? 0);
    }
  }
  process.exit(0);
}
