/**
 * `voice-orch --help`, generated from the command-line options themselves (each entry of the
 * parser's option table carries its `help` text, value name and default), so a new flag cannot be
 * missing from the help.
 */

/** One command-line option: what `node:util` parseArgs reads, plus what the help prints. */
export interface ArgOption {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** The value's placeholder in the help (`DIR`, `URL`). */
  arg?: string;
  /** One sentence; its default last, as `(default …)`. */
  help?: string;
}

/** Column where the help texts start, and the width they wrap at. */
const TEXT_COLUMN = 27;
const WIDTH = 100;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** One option's lines: `  -h, --name ARG` then its text, wrapped under the text column. */
export function optionHelp(name: string, o: ArgOption): string[] {
  const head = `  ${o.short ? `-${o.short}, ` : ''}--${name}${o.arg ? ` ${o.arg}` : ''}`;
  const text = wrap(o.help ?? '', WIDTH - TEXT_COLUMN);
  const pad = ' '.repeat(TEXT_COLUMN);
  if (text.length === 0) return [head];
  const first = head.length < TEXT_COLUMN - 1 ? [`${head.padEnd(TEXT_COLUMN)}${text.shift()}`] : [head];
  return [...first, ...text.map((t) => `${pad}${t}`)];
}

/** The whole help: usage, every option in table order, the environment. */
export function buildHelpText(options: Readonly<Record<string, ArgOption>>): string {
  const lines = [
    'voice-orch — talk to your background coding-agent tasks',
    '',
    'Usage:',
    '  voice-orch [options]          start the app (keyboard-only without OPENAI_API_KEY)',
    '  voice-orch doctor [options]   check everything a first run needs; exit status 1 on an error',
    '  voice-orch devices            list audio devices',
    '  voice-orch voice-check --wav FILE   one spoken turn from FILE through the voice engine, with its',
    '                                stage latencies (--json: one object); exit status 1 on a failure',
    '',
    'Options:',
    ...Object.entries(options).flatMap(([name, o]) => optionHelp(name, o)),
    '',
    'Environment: OPENAI_API_KEY, VOICE_ORCH_REALTIME_URL, VOICE_ORCH_MODEL, VOICE_ORCH_ROOTS (colon-separated),',
    'VOICE_ORCH_STATE_DIR, VOICE_ORCH_CLAUDE_PATH, VOICE_ORCH_VOICE_ENGINE, VOICE_ORCH_STT_URL, VOICE_ORCH_LLM_URL,',
    'VOICE_ORCH_TTS_URL, XDG_STATE_HOME, XDG_CONFIG_HOME. Flags beat the environment, which beats config.json.',
    '',
  ];
  return lines.join('\n');
}
