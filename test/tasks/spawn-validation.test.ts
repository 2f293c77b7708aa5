// The checks of a spawn and a follow-up, without processes or folders.
import { describe, expect, it } from 'vitest';
import { followUpRefusal, newTaskRecord, validateSpawn, type SpawnPolicy } from '../../src/tasks/spawn-validation.js';

const policy: SpawnPolicy = {
  claudePath: 'claude',
  defaultPermissionMode: 'acceptEdits',
  allowBypassPermissions: false,
  backend: 'claude',
};

describe('validateSpawn', () => {
  it('cleans the name, takes the defaults and keeps the limits', () => {
    const v = validateSpawn({ name: 'fix \u001b]0;x\u0007tests', prompt: 'go', projectDir: 'p', maxTurns: 3 }, policy);
    if (!v.ok) throw new Error(v.message);
    expect(v.value.name).not.toContain('\u001b');
    expect(v.value).toMatchObject({
      prompt: 'go',
      permissionMode: 'acceptEdits',
      backend: 'claude',
      extras: { maxTurns: 3 },
    });
    const rec = newTaskRecord(5, v.value, '/r/p', 9);
    expect(rec).toMatchObject({
      id: 5,
      status: 'queued',
      projectDir: '/r/p',
      createdAt: 9,
      runs: [{ runNo: 1, prompt: 'go', status: 'queued' }],
    });
  });

  it('refuses with a sentence: no name, no prompt, bypass not allowed, no command, bad limits', () => {
    const refusal = (o: Parameters<typeof validateSpawn>[0], p = policy): string => {
      const v = validateSpawn(o, p);
      return v.ok ? '' : v.message;
    };
    const base = { name: 'n', prompt: 'p', projectDir: 'd' };
    expect(refusal({ ...base, name: ' ' })).toMatch(/needs a name/);
    expect(refusal({ ...base, prompt: ' ' })).toMatch(/needs a prompt/);
    expect(refusal({ ...base, permissionMode: 'bypassPermissions' })).toMatch(/Bypassing permissions is turned off/);
    expect(refusal({ ...base, permissionMode: 'bypassPermissions' }, { ...policy, allowBypassPermissions: true })).toBe(
      '',
    );
    expect(refusal({ ...base, backend: 'command' })).toBe('The command backend has no command configured.');
    expect(refusal({ ...base, maxTurns: 1.5 })).toMatch(/turn limit/);
    expect(refusal({ ...base, maxBudgetUsd: 0 })).toMatch(/budget/);
  });
});

describe('followUpRefusal', () => {
  it('needs an ended task with a session and a prompt', () => {
    const v = validateSpawn({ name: 'n', prompt: 'p', projectDir: 'd' }, policy);
    if (!v.ok) throw new Error(v.message);
    const rec = newTaskRecord(1, v.value, '/r/d', 1);
    expect(followUpRefusal(rec, 'more')).toMatch(/still queued/);
    rec.status = 'completed';
    expect(followUpRefusal(rec, 'more')).toMatch(/no agent session/);
    rec.claudeSessionId = 's';
    expect(followUpRefusal(rec, ' ')).toBe('What should the follow-up say?');
    expect(followUpRefusal(rec, 'more')).toBeUndefined();
  });
});
