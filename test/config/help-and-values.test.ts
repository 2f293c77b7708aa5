// The command line as a user meets it: --help lists every option with its default, --version is
// package.json's, and a bad value names its flag or variable, what it must be and what was given.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ARG_OPTIONS, HELP_TEXT, loadSettings } from '../../src/config/config.js';
import { optionHelp } from '../../src/config/help-text.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const HOME = { HOME: '/nonexistent' };

describe('--help', () => {
  it('lists every option of the parser, each with a text that names its default', () => {
    for (const [name, o] of Object.entries(ARG_OPTIONS)) {
      expect(HELP_TEXT).toContain(`--${name}${'arg' in o ? ` ${o.arg}` : ''}`);
      expect(o.help, name).toBeTruthy();
      if (o.type === 'string') expect(o.help, name).toMatch(/\(default[ :][^)]+\)$/);
    }
    expect(HELP_TEXT).toContain(
      '  --notices MODE           how task notices are announced: speak, chime, off (default speak)\n',
    );
    expect(HELP_TEXT).toContain('  -h, --help               this text\n');
  });

  it('wraps a long text under its column', () => {
    expect(optionHelp('x', { type: 'string', arg: 'N', help: `${'word '.repeat(20)}(default 1)` })).toEqual([
      '  --x N                    word word word word word word word word word word word word word word',
      '                           word word word word word word (default 1)',
    ]);
  });

  it('is what the binary prints, and --version prints the package version', async () => {
    const help = await execa(process.execPath, [CLI, '--help']);
    expect(`${String(help.stdout)}\n`).toBe(HELP_TEXT);
    const version = await execa(process.execPath, [CLI, '-v']);
    expect(String(version.stdout)).toBe(pkg.version);
  });
});

describe('bad values', () => {
  it('name the flag, what it must be and the value given', () => {
    const cases: [string[], string][] = [
      [['--voice-engine', 'foo'], '--voice-engine must be one of realtime, cascade (got "foo")'],
      [['--notices', 'loud'], '--notices must be one of speak, chime, off (got "loud")'],
      [['--same-dir', 'maybe'], '--same-dir must be one of queue, refuse (got "maybe")'],
      [['--stt-url', 'nope'], '--stt-url must be a URL like http://localhost:8000/v1 (got "nope")'],
      [['--max-concurrent', '0'], '--max-concurrent must be at least 1 (got 0)'],
      [['--help=1'], 'option --help takes no value'],
    ];
    for (const [argv, said] of cases) {
      const r = loadSettings(argv, HOME, '/w');
      expect(!r.ok && r.message, argv.join(' ')).toBe(`${said}\nRun voice-orch --help for the options.`);
    }
  });

  it('name the environment variable when the value came from there', () => {
    const r = loadSettings([], { ...HOME, VOICE_ORCH_VOICE_ENGINE: 'x' }, '/w');
    expect(!r.ok && r.message).toMatch(/^VOICE_ORCH_VOICE_ENGINE must be one of realtime, cascade \(got "x"\)\n/);
  });

  it('exit with status 2 and no stack from the binary', async () => {
    const r = await execa(process.execPath, [CLI, '--notices', 'loud'], { reject: false, env: HOME });
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toBe(
      'voice-orch: --notices must be one of speak, chime, off (got "loud")\nRun voice-orch --help for the options.',
    );
  });
});
