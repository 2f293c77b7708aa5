import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentEnv, buildAgentCommand, claudeArgs, commandArgv, findExecutable } from '../../src/tasks/backends.js';

describe('claudeArgs', () => {
  it('builds the print-mode argv with stream-json, --verbose and the permission mode', () => {
    expect(claudeArgs({ prompt: 'fix it; rm -rf / $(x)', permissionMode: 'acceptEdits' })).toEqual([
      '-p',
      'fix it; rm -rf / $(x)',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
    ]);
  });
  it('adds the optional flags and --resume', () => {
    expect(
      claudeArgs({
        prompt: 'p',
        permissionMode: 'plan',
        model: 'sonnet',
        maxTurns: 3,
        maxBudgetUsd: 0.25,
        appendSystemPrompt: 'be short',
        resumeSessionId: 'abc',
      }),
    ).toEqual([
      '-p',
      'p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'plan',
      '--resume',
      'abc',
      '--model',
      'sonnet',
      '--max-turns',
      '3',
      '--max-budget-usd',
      '0.25',
      '--append-system-prompt',
      'be short',
    ]);
  });
});

describe('command backend and environment', () => {
  it('substitutes {prompt} in every word, never through a shell', () => {
    expect(commandArgv(['aider', '--message', '{prompt}', 'x={prompt}!'], 'a "b" $c')).toEqual([
      'aider',
      '--message',
      'a "b" $c',
      'x=a "b" $c!',
    ]);
  });
  it('drops CLAUDECODE and CLAUDE_CODE_ENTRYPOINT and undefined values, keeps the rest', () => {
    expect(
      agentEnv({ CLAUDECODE: '1', CLAUDE_CODE_ENTRYPOINT: 'cli', PATH: '/bin', X: undefined, HOME: '/h' }),
    ).toEqual({ PATH: '/bin', HOME: '/h' });
  });
});

describe('finding executables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vo-be-'));
  const exe = join(dir, 'my-agent');
  writeFileSync(exe, '#!/bin/sh\n');
  chmodSync(exe, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const plain = join(dir, 'not-exec');
  writeFileSync(plain, '');

  it('looks names up on PATH and checks paths directly', async () => {
    expect(await findExecutable('my-agent', { PATH: `/nonexistent:${dir}` })).toBe(exe);
    expect(await findExecutable('my-agent', { PATH: '/usr/bin' })).toBeUndefined();
    expect(await findExecutable(exe, {})).toBe(exe);
    expect(await findExecutable('./my-agent', {}, dir)).toBe(exe);
    expect(await findExecutable(plain, {})).toBeUndefined();
    expect(await findExecutable(dir, {})).toBeUndefined();
    expect(await findExecutable('', { PATH: dir })).toBeUndefined();
  });

  it('refuses with a sentence when claude or the command is missing', async () => {
    const run = { prompt: 'p', permissionMode: 'acceptEdits' as const };
    const missing = await buildAgentCommand({
      backend: 'claude',
      run,
      claudePath: 'claude',
      env: { PATH: dir },
      cwd: dir,
    });
    expect(missing).toEqual({
      ok: false,
      message: expect.stringMatching(/^could not start: `claude` was not found on PATH\./),
    });
    const found = await buildAgentCommand({
      backend: 'claude',
      run,
      claudePath: 'my-agent',
      env: { PATH: dir },
      cwd: dir,
    });
    expect(found).toEqual({ ok: true, value: { file: exe, args: claudeArgs(run) } });
    const cmd = await buildAgentCommand({
      backend: 'command',
      run,
      claudePath: 'claude',
      commandArgv: ['my-agent', '{prompt}'],
      env: { PATH: dir },
      cwd: dir,
    });
    expect(cmd).toEqual({ ok: true, value: { file: exe, args: ['p'] } });
    const none = await buildAgentCommand({
      backend: 'command',
      run,
      claudePath: 'claude',
      env: { PATH: dir },
      cwd: dir,
    });
    expect(none.ok).toBe(false);
  });
});
