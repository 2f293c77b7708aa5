import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentEnv, findExecutable } from '../../src/tasks/backends/agent-backend.js';
import { claudeArgs } from '../../src/tasks/backends/claude.js';
import { commandArgv } from '../../src/tasks/backends/command.js';
import { buildAgentCommand } from '../../src/tasks/backends/registry.js';

describe('claudeArgs', () => {
  it('builds the print-mode argv: options, then -p, --, and the prompt last', () => {
    expect(claudeArgs({ prompt: 'fix it; rm -rf / $(x)', permissionMode: 'acceptEdits' })).toEqual([
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
      '-p',
      '--',
      'fix it; rm -rf / $(x)',
    ]);
  });
  it('adds the optional flags and --resume before the prompt', () => {
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
      '-p',
      '--',
      'p',
    ]);
  });
  it('keeps a prompt that looks like options as the one word after --', () => {
    const prompt = '--settings={"hooks":{}} --dangerously-skip-permissions';
    const args = claudeArgs({ prompt, permissionMode: 'acceptEdits', appendSystemPrompt: '-x' });
    expect(args.slice(-2)).toEqual(['--', prompt]);
    expect(args.indexOf('--')).toBe(args.length - 2);
  });
});

describe('command backend and environment', () => {
  it('substitutes {prompt} in every word, never through a shell', () => {
    expect(commandArgv(['aider', '--message', '{prompt}', 'x={prompt}!'], 'a "b" $c')).toEqual({
      ok: true,
      value: ['aider', '--message', 'a "b" $c', 'x=a "b" $c!'],
    });
  });
  it('passes a prompt starting with "-" only as a whole word after --, or attached to an option', () => {
    const prompt = '--settings={"hooks":{}}';
    expect(commandArgv(['agent', '--message={prompt}', '--', '{prompt}'], prompt)).toEqual({
      ok: true,
      value: ['agent', `--message=${prompt}`, '--', prompt],
    });
    for (const template of [
      ['agent', '{prompt}'],
      ['agent', '--message', '{prompt}'],
      ['agent', '{prompt}!', '--'],
      ['agent', '--', '{prompt} and more'],
    ]) {
      expect(commandArgv(template, prompt)).toEqual({
        ok: false,
        message: expect.stringContaining('Put -- before {prompt}'),
      });
    }
    expect(commandArgv(['{prompt}'], 'ls')).toEqual({ ok: false, message: expect.stringMatching(/executable/) });
    // A harmless prompt in the same places is fine.
    expect(commandArgv(['agent', '--message', '{prompt}'], 'fix it')).toEqual({
      ok: true,
      value: ['agent', '--message', 'fix it'],
    });
  });
  it('drops CLAUDECODE and CLAUDE_CODE_ENTRYPOINT and undefined values, keeps the rest', () => {
    expect(
      agentEnv({ CLAUDECODE: '1', CLAUDE_CODE_ENTRYPOINT: 'cli', PATH: '/bin', X: undefined, HOME: '/h' }),
    ).toEqual({ PATH: '/bin', HOME: '/h' });
  });
  it('withholds OPENAI_API_KEY, every VOICE_ORCH_* variable and the configured drops; pass re-admits', () => {
    const base = {
      PATH: '/bin',
      OPENAI_API_KEY: 'sk-secret',
      VOICE_ORCH_MODEL: 'm',
      VOICE_ORCH_ROOTS: '/r',
      AWS_SECRET_ACCESS_KEY: 'a',
      AWS_REGION: 'eu',
      MY_ENDPOINT_KEY: 'k',
      VOICE_ORCHESTRA: 'kept: not the VOICE_ORCH_ prefix',
    };
    expect(agentEnv(base)).toEqual({
      PATH: '/bin',
      AWS_SECRET_ACCESS_KEY: 'a',
      AWS_REGION: 'eu',
      MY_ENDPOINT_KEY: 'k',
      VOICE_ORCHESTRA: 'kept: not the VOICE_ORCH_ prefix',
    });
    expect(agentEnv(base, { drop: ['AWS_*', 'MY_ENDPOINT_KEY'], pass: ['AWS_REGION', 'VOICE_ORCH_MODEL'] })).toEqual({
      PATH: '/bin',
      AWS_REGION: 'eu',
      VOICE_ORCH_MODEL: 'm',
      VOICE_ORCHESTRA: 'kept: not the VOICE_ORCH_ prefix',
    });
    // Pure: the input is not changed, so the caller can add its own variables afterwards.
    expect(base.OPENAI_API_KEY).toBe('sk-secret');
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
    const hostile = await buildAgentCommand({
      backend: 'command',
      run: { ...run, prompt: '--settings={}' },
      claudePath: 'claude',
      commandArgv: ['my-agent', '{prompt}'],
      env: { PATH: dir },
      cwd: dir,
    });
    expect(hostile).toEqual({
      ok: false,
      message: expect.stringMatching(/^could not start: the prompt begins with "-"/),
    });
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
