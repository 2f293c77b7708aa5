/**
 * Test helpers for real audio and keys without hardware: ALSA file devices, a private PulseAudio,
 * Xvfb + xte (see shared recipes). A missing tool fails with a clear message instead of skipping.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ALSA_FILE_CONF = fileURLToPath(new URL('../fixtures/alsa/asound-file.conf', import.meta.url));

/** True when `tool` is on PATH. */
export function hasTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Throws a clear error when a tool is missing (CI installs them: see .ci/run). */
export function requireTools(...tools: string[]): void {
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length)
    throw new Error(
      `missing tool(s): ${missing.join(', ')} — apt-get install espeak-ng sox pulseaudio pulseaudio-utils libasound2-plugins xvfb xautomation (see .ci/run)`,
    );
}

/** A scratch dir removed by the returned function. */
export function scratch(prefix = 'vo-audio-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Speaks `text` with espeak-ng and converts it without dither to raw s16le mono at `rate` (and a WAV). */
export function makeSpeech(
  dir: string,
  text = 'Hello, this is a test of the voice orchestrator. Please list the open panes.',
  rate = 24000,
): { raw: string; wav: string; pcm: Buffer } {
  requireTools('espeak-ng', 'sox');
  const src = join(dir, `speech-src.wav`);
  const raw = join(dir, `speech${rate}.raw`);
  const wav = join(dir, `speech${rate}.wav`);
  execFileSync('espeak-ng', ['-w', src, text]);
  execFileSync('sox', ['-D', src, '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', raw]);
  execFileSync('sox', ['-D', src, '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer', wav]);
  return { raw, wav, pcm: readFileSync(raw) };
}

/** Env for backend A: capture reads `inFile`, playback writes `outFile`. */
export function fileBackendEnv(inFile: string, outFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ALSA_CONFIG_PATH: ALSA_FILE_CONF,
    VO_AUDIO_IN: inFile,
    VO_AUDIO_OUT: outFile,
  };
  delete env.PULSE_SERVER;
  delete env.DISPLAY;
  return env;
}

/** Offset of `pcm` inside `out` (after PortAudio's leading silence), or -1. */
export function locate(out: Buffer, pcm: Buffer, probeAt = 20000): number {
  const at = Math.min(probeAt, Math.max(0, pcm.length - 400));
  const i = out.indexOf(pcm.subarray(at, at + 400));
  return i < 0 ? -1 : i - at;
}

/** Index one past the last non-zero byte. */
export function lastNonZero(buf: Buffer): number {
  let i = buf.length;
  while (i > 0 && buf[i - 1] === 0) i--;
  return i;
}

/** A running private PulseAudio (backend B). */
export interface Pulse {
  env: NodeJS.ProcessEnv;
  dir: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts a private PulseAudio with null sinks vo_mic/vo_spk and keep-alive streams (recipe B). */
export async function startPulse(): Promise<Pulse> {
  requireTools('pulseaudio', 'pactl', 'pacat');
  const dir = mkdtempSync(join(tmpdir(), 'vo-pa-'));
  writeFileSync(
    join(dir, 'vo.pa'),
    [
      `load-module module-native-protocol-unix auth-anonymous=1 socket=${dir}/native`,
      'load-module module-null-sink sink_name=vo_spk rate=24000 channels=1',
      'load-module module-null-sink sink_name=vo_mic rate=24000 channels=1',
      'set-default-sink vo_spk',
      'set-default-source vo_mic.monitor',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'asound-pulse.conf'), 'pcm.!default { type pulse }\nctl.!default { type pulse }\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    XDG_RUNTIME_DIR: dir,
    PULSE_SERVER: `unix:${dir}/native`,
    ALSA_CONFIG_PATH: join(dir, 'asound-pulse.conf'),
  };
  delete env.DISPLAY;
  const log = openSync(join(dir, 'log'), 'w');
  const procs: ChildProcess[] = [];
  procs.push(
    spawn(
      'pulseaudio',
      [
        '-n',
        '-F',
        join(dir, 'vo.pa'),
        '--daemonize=no',
        '--exit-idle-time=-1',
        '--disallow-exit',
        '--use-pid-file=no',
        '--enable-memfd=no',
        '--log-level=error',
      ],
      {
        env,
        stdio: ['ignore', log, log],
      },
    ),
  );
  closeSync(log);
  const stop = async () => {
    for (const p of procs.reverse()) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
    await sleep(100);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      execFileSync('pactl', ['info'], { env, stdio: 'ignore' });
      break;
    } catch {
      if (Date.now() > deadline) {
        const msg = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
        await stop();
        throw new Error(`private PulseAudio did not start: ${msg}`);
      }
      await sleep(50);
    }
  }
  for (const sink of ['vo_mic', 'vo_spk']) {
    procs.push(
      spawn(
        'pacat',
        [
          '--playback',
          '-d',
          sink,
          '--raw',
          '--format=s16le',
          '--rate=24000',
          '--channels=1',
          '--latency-msec=20',
          '/dev/zero',
        ],
        { env, stdio: 'ignore' },
      ),
    );
  }
  // an idle null sink renders in 2 s blocks; wait until the keep-alive streams brought it to low latency
  for (;;) {
    const sinks = execFileSync('pactl', ['list', 'sinks'], { env, encoding: 'utf8' });
    const lat = [...sinks.matchAll(/Latency: (\d+) usec/g)].map((m) => Number(m[1]));
    if (lat.length >= 2 && lat.every((l) => l <= 100_000)) break;
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  return { env, dir, stop };
}

/** A running Xvfb. */
export interface Xvfb {
  display: string;
  stop(): Promise<void>;
}

/** Starts Xvfb on a free display chosen by Xvfb itself (-displayfd). */
export async function startXvfb(): Promise<Xvfb> {
  requireTools('Xvfb', 'xte');
  const proc = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('Xvfb did not report a display')), 10_000);
    proc.stdio[3]?.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) {
        clearTimeout(t);
        resolve(`:${buf.trim()}`);
      }
    });
    proc.on('exit', (code) => reject(new Error(`Xvfb exited (${code})`)));
  });
  return {
    display,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** One key event per xte process (RECORD delivers it at once; see the hotkeys recipe). */
export function xte(display: string, command: string): void {
  execFileSync('xte', [command], { env: { ...process.env, DISPLAY: display } });
}

export { sleep };
