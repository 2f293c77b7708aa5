import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codexArgs, codexSandbox } from '../../src/tasks/backends/codex.js';
import { geminiApprovalMode, geminiArgs } from '../../src/tasks/backends/gemini.js';
import { backendFor, buildAgentCommand } from '../../src/tasks/backends/registry.js';

const THREAD = '01a23d53-5e36-7e13-8975-11d869f3ee9b';

describe('codexArgs', () => {
  it('runs exec --json in the workspace-write sandbox with startup network off; the prompt after --', () => {
    expect(codexArgs({ prompt: '--help; rm -rf /', permissionMode: 'acceptEdits' })).toEqual([
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--sandbox',
      'workspace-write',
      '-c',
      'analytics.enabled=false',
      '-c',
      'features.plugins=false',
      '--',
      '--help; rm -rf /',
    ]);
  });
  it('a follow-up resumes the thread: exec resume, sandbox as config, thread id and prompt after --', () => {
    const args = codexArgs({
      prompt: 'next',
      permissionMode: 'acceptEdits',
      resumeSessionId: THREAD,
      model: 'gpt-5.5',
      reasoningEffort: 'high',
    });
    expect(args.slice(0, 2)).toEqual(['exec', 'resume']);
    expect(args).toContain('sandbox_mode="workspace-write"');
    expect(args).not.toContain('--sandbox');
    expect(args).toContain('--model=gpt-5.5');
    expect(args).toContain('model_reasoning_effort="high"');
    expect(args.slice(-3)).toEqual(['--', THREAD, 'next']);
  });
  it('ignores an unknown reasoning effort and a session id that could be an option', () => {
    const args = codexArgs({
      prompt: 'p',
      permissionMode: 'acceptEdits',
      reasoningEffort: 'max"; x',
      resumeSessionId: '--x',
    });
    expect(args.join(' ')).not.toMatch(/reasoning|resume/);
  });
  it('maps permission modes to sandboxes; full access only for bypassPermissions', () => {
    expect(codexSandbox('plan')).toBe('read-only');
    expect(codexSandbox('acceptEdits')).toBe('workspace-write');
    expect(codexSandbox('default')).toBe('workspace-write');
    expect(codexSandbox('bypassPermissions')).toBe('danger-full-access');
  });
});

describe('geminiArgs', () => {
  it('stream-json, auto_edit, the prompt inside one --prompt= word', () => {
    expect(geminiArgs({ prompt: '-y --approval-mode yolo', permissionMode: 'acceptEdits' })).toEqual([
      '--output-format',
      'stream-json',
      '--skip-trust',
      '--approval-mode',
      'auto_edit',
      '--prompt=-y --approval-mode yolo',
    ]);
  });
  it('a follow-up resumes the session; the model is one word', () => {
    const args = geminiArgs({
      prompt: 'next',
      permissionMode: 'plan',
      resumeSessionId: 'b7466672-ab8e-4525-95f5-3cea18d551b7',
      model: 'gemini-3.8-flash',
    });
    expect(args).toEqual([
      '--output-format',
      'stream-json',
      '--skip-trust',
      '--approval-mode',
      'plan',
      '--model=gemini-3.8-flash',
      '--resume=b7466672-ab8e-4525-95f5-3cea18d551b7',
      '--prompt=next',
    ]);
  });
  it('maps permission modes to approval modes; yolo only for bypassPermissions', () => {
    expect(geminiApprovalMode('acceptEdits')).toBe('auto_edit');
    expect(geminiApprovalMode('default')).toBe('default');
    expect(geminiApprovalMode('manual')).toBe('default');
    expect(geminiApprovalMode('bypassPermissions')).toBe('yolo');
  });
});

describe('agent environments', () => {
  const base = {
    PATH: '/bin',
    ANTHROPIC_API_KEY: 'a',
    CODEX_API_KEY: 'c',
    GEMINI_API_KEY: 'g',
    GOOGLE_API_KEY: 'gg',
    OPENAI_API_KEY: 'realtime',
    VOICE_ORCH_X: '1',
  };
  it('codex gets its own key, not the others nor voice-orch secrets', () => {
    const env = backendFor('codex').env(base, {});
    expect(Object.keys(env).sort()).toEqual(['CODEX_API_KEY', 'PATH']);
  });
  it('gemini gets its keys, runs without its relaunching parent', () => {
    const env = backendFor('gemini').env(base, {});
    expect(env).toEqual({ PATH: '/bin', GEMINI_API_KEY: 'g', GOOGLE_API_KEY: 'gg', GEMINI_CLI_NO_RELAUNCH: 'true' });
  });
  it('the pass list still wins (e.g. OPENAI_API_KEY for codex when the user says so)', () => {
    expect(backendFor('codex').env(base, { pass: ['OPENAI_API_KEY'] }).OPENAI_API_KEY).toBe('realtime');
  });
});

describe('finding the executables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vo-agents-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('finds codex and gemini on PATH or at a configured path, and refuses with a sentence otherwise', async () => {
    for (const name of ['codex', 'my-gemini']) {
      writeFileSync(join(dir, name), '#!/bin/sh\n');
      chmodSync(join(dir, name), 0o755);
    }
    const run = { prompt: 'p', permissionMode: 'acceptEdits' as const };
    const codex = await buildAgentCommand({
      backend: 'codex',
      run,
      claudePath: 'claude',
      env: { PATH: dir },
      cwd: dir,
    });
    expect(codex).toMatchObject({ ok: true, value: { file: join(dir, 'codex') } });
    const gemini = await buildAgentCommand({
      backend: 'gemini',
      run,
      claudePath: 'claude',
      env: { PATH: dir },
      cwd: dir,
    });
    expect(gemini).toMatchObject({ ok: false });
    expect(gemini.ok ? '' : gemini.message).toMatch(/`gemini` was not found on PATH.*geminiPath/);
    const configured = await backendFor('gemini').command({
      run,
      config: { claudePath: 'claude', geminiPath: './my-gemini' },
      env: {},
      cwd: dir,
    });
    expect(configured).toMatchObject({ ok: true, value: { file: join(dir, 'my-gemini') } });
  });
});
