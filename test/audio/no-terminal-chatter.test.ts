// The helpers' native chatter (PortAudio printf on fd 1, uiohook/X11 errors) never reaches the app's terminal.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { fileBackendEnv } from './real-audio.js';
import { speechAndDisplay } from './speech-and-display.js';

const fx = speechAndDisplay();

function runApp(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = fileURLToPath(new URL('./app-child.mts', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('helpers never write to the app terminal', () => {
  it("with audio and a global key: stdout holds only the app's own line, the PortAudio chatter stayed in the helper pipe", async () => {
    const env = { ...fileBackendEnv(fx.speech, join(fx.dir, 'out.raw')), DISPLAY: fx.x.display };
    const r = await runApp(env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^APP-RESULT /);
    const result = JSON.parse(lines[0]!.slice('APP-RESULT '.length)) as {
      captured: number;
      mode: { kind: string };
      portAudioLinesInHelperPipe: number;
    };
    expect(result.captured).toBeGreaterThanOrEqual(48_000);
    expect(result.mode.kind).toBe('hold');
    expect(result.portAudioLinesInHelperPipe).toBeGreaterThanOrEqual(2); // the chatter exists, just not here
  });

  it("with a dead display (the hotkey helper aborts or hangs): still nothing on stdout/stderr but the app's line, and exit code 0", async () => {
    const env = { ...fileBackendEnv(fx.speech, join(fx.dir, 'out2.raw')), DISPLAY: ':4712' };
    const r = await runApp(env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // exactly one line, the app's own (its JSON may quote the helper's reason)
    expect(r.stdout).toMatch(/^APP-RESULT \{[^\n]*"kind":"toggle"[^\n]*\}\n$/);
  });
});
