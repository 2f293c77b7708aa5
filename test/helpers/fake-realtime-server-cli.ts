/**
 * Standalone launcher of the fake Realtime server, for end-to-end runs of the whole app (tmux).
 *
 *   node --import tsx test/helpers/fake-realtime-server-cli.ts --port 0 --script script.json --log fake.jsonl
 *
 * Prints one JSON line on stdout: {"url":"ws://127.0.0.1:PORT/v1/realtime","port":PORT,"pid":PID}.
 * Point the app at it with VOICE_ORCH_REALTIME_URL=<url> OPENAI_API_KEY=<api key, default test-key>.
 *
 * Flags: --port N (0 = random) · --script FILE · --log FILE (JSONL: client events, errors sent, notes,
 * connections; --log-server-events adds every server event, audio elided) · --api-key KEY ·
 * --lifetime-ms N · --committed-delay-ms N · --transcription-delay-ms N · --delta-interval-ms N ·
 * --frame-delay-ms N.
 *
 * Script file: either an array of scripted replies, or an object
 *   {
 *     "options": { ...JSON-able FakeRealtimeOptions },
 *     "replies": [ScriptedReply, ...],            // popped per response.create when no rule matches
 *     "userTranscripts": ["start a task to fix the tests", ...],   // popped per audio commit
 *     "rules": [                                 // checked in order on each response.create
 *       { "when": "user", "match": "start (a )?task", "reply": { "text": "Starting it.",
 *         "functionCalls": [{ "name": "spawn_task", "arguments": { "prompt": "${user}" } }] } },
 *       { "when": "tool_output", "reply": { "text": "Done: ${output}" } },
 *       { "when": "system", "match": "finished", "reply": { "text": "A task finished." }, "once": true }
 *     ]
 *   }
 * `when` (default "user") picks what `match` (a case-insensitive regex, default: anything) is tested
 * against: the user text new since the previous response, the tool outputs new since then, or the
 * system messages new since then. A rule only applies when that input is present. In reply strings,
 * ${user}, ${output} and ${system} are replaced by those texts.
 *
 * Control on stdin, one command per line (answers one JSON line on stdout):
 *   drop · expire · delay <ms> · error <code> <message…> · reply <ScriptedReply JSON> ·
 *   transcript <text> · status
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  FakeRealtimeServer,
  type FakeRealtimeOptions,
  type ReplyContext,
  type ScriptedReply,
} from './fake-realtime-server.js';

interface Rule {
  when?: 'user' | 'tool_output' | 'system';
  match?: string;
  reply: ScriptedReply;
  once?: boolean;
}
interface ScriptFile {
  options?: FakeRealtimeOptions;
  replies?: ScriptedReply[];
  userTranscripts?: string[];
  rules?: Rule[];
}

function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) out.set(a.slice(2), argv[++i]!);
    else out.set(a.slice(2), 'true');
  }
  return out;
}

function fill(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\$\{(user|output|system)\}/g, (_m, k: string) => vars[k] ?? '');
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}

export function ruleReplyFor(rules: Rule[]): (ctx: ReplyContext) => ScriptedReply | undefined {
  return (ctx) => {
    const vars = {
      user: ctx.newUserText ?? '',
      output: ctx.lastToolOutputs.map((o) => o.output).join('\n'),
      system: ctx.newSystemTexts.join('\n'),
    };
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      const when = rule.when ?? 'user';
      const input =
        when === 'user'
          ? ctx.newUserText
          : when === 'tool_output'
            ? ctx.lastToolOutputs.length
              ? vars.output
              : undefined
            : ctx.newSystemTexts.length
              ? vars.system
              : undefined;
      if (input === undefined) continue;
      if (rule.match !== undefined && !new RegExp(rule.match, 'i').test(input)) continue;
      if (rule.once) rules.splice(i, 1);
      return fill(rule.reply, vars) as ScriptedReply;
    }
    return undefined;
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let script: ScriptFile = {};
  const scriptPath = args.get('script');
  if (scriptPath) {
    const raw = JSON.parse(readFileSync(scriptPath, 'utf8')) as ScriptFile | ScriptedReply[];
    script = Array.isArray(raw) ? { replies: raw } : raw;
  }
  const num = (k: string): number | undefined => (args.has(k) ? Number(args.get(k)) : undefined);
  const logPath = args.get('log');
  if (logPath) writeFileSync(logPath, '');
  const opts: FakeRealtimeOptions = {
    ...(script.options ?? {}),
    port: num('port') ?? script.options?.port ?? 0,
    replies: script.replies ?? script.options?.replies ?? [],
    userTranscripts: script.userTranscripts ?? script.options?.userTranscripts ?? [],
    logServerEvents: args.has('log-server-events') || script.options?.logServerEvents,
  };
  if (args.has('api-key')) opts.apiKey = args.get('api-key');
  const numeric: [string, keyof FakeRealtimeOptions][] = [
    ['lifetime-ms', 'sessionLifetimeMs'],
    ['committed-delay-ms', 'committedDelayMs'],
    ['transcription-delay-ms', 'transcriptionDelayMs'],
    ['delta-interval-ms', 'deltaIntervalMs'],
    ['frame-delay-ms', 'frameDelayMs'],
  ];
  for (const [flag, key] of numeric) {
    const v = num(flag);
    if (v !== undefined) (opts as Record<string, unknown>)[key] = v;
  }
  if (script.rules?.length) opts.replyFor = ruleReplyFor([...script.rules]);
  if (logPath) {
    opts.onLog = (entry) => {
      appendFileSync(logPath, `${JSON.stringify({ ...entry, at: new Date(entry.at).toISOString() })}\n`);
    };
  }
  const server = await FakeRealtimeServer.start(opts);
  const say = (obj: unknown): void => {
    process.stdout.write(`${JSON.stringify(obj)}\n`);
  };
  say({ url: server.url, port: server.port, pid: process.pid });

  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [cmd, ...rest] = line.trim().split(/\s+/);
    const arg = line
      .trim()
      .slice((cmd ?? '').length)
      .trim();
    try {
      switch (cmd) {
        case undefined:
        case '':
          return;
        case 'drop':
          server.dropAll();
          break;
        case 'expire':
          server.expireAll();
          break;
        case 'delay':
          server.setFrameDelay(Number(rest[0] ?? 0));
          break;
        case 'error':
          server.injectError({
            code: rest[0] ?? 'server_error',
            message: rest.slice(1).join(' ') || 'Injected error.',
          });
          break;
        case 'reply':
          server.queueReply(JSON.parse(arg) as ScriptedReply);
          break;
        case 'transcript':
          server.queueUserTranscript(arg);
          break;
        case 'status':
          say({
            ok: true,
            connections: server.connections.map((c) => ({
              id: c.id,
              closed: c.closed,
              received: c.received.length,
              errors: c.errorsSent.length,
              items: c.items.length,
              activeResponseId: c.activeResponseId,
            })),
            pendingReplies: server.pendingReplies(),
          });
          return;
        default:
          say({ ok: false, error: `unknown command: ${cmd}` });
          return;
      }
      say({ ok: true, cmd });
    } catch (err) {
      say({ ok: false, error: (err as Error).message });
    }
  });

  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && /fake-realtime-server-cli\.[cm]?[tj]s$/.test(process.argv[1])) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
