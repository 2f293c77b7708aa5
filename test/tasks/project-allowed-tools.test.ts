// Allow rules per project: config.json's `projectAllowedTools` adds to the global `allowedTools`,
// and a real fake-claude process shows the merged `--allowedTools` it was started with; the
// per-project high-risk texts make a voice "allow" need a key press in that project only.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/config.js';
import type { DecisionPort } from '../../src/permissions/desk.js';
import { RequestDesk } from '../../src/permissions/desk.js';
import type { PendingRequest } from '../../src/permissions/broker.js';
import { allowedToolsFor } from '../../src/tasks/project-rules.js';
import { factLines, finished, makeWorld, type World } from './task-manager.fixture.js';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

/** The values after `--allowedTools` in an argv (up to the next option or `--`). */
function rulesArg(args: string[]): string[] | undefined {
  const i = args.indexOf('--allowedTools');
  if (i < 0) return undefined;
  const out: string[] = [];
  for (const a of args.slice(i + 1)) {
    if (a.startsWith('-')) break;
    out.push(a);
  }
  return out;
}

describe('per-project allow rules', () => {
  it('config.json: projectAllowedTools is read with the CLI rule syntax, a rule starting with - refused', () => {
    const home = mkdtempSync(join(tmpdir(), 'vo-config-'));
    const path = join(home, 'c.json');
    writeFileSync(
      path,
      JSON.stringify({
        allowedTools: ['Read'],
        projectAllowedTools: { api: ['Bash(npm test:*)'] },
        projectHighRiskCommands: { api: ['deploy'] },
      }),
    );
    const a = loadSettings(['--config', path], { HOME: home }, '/w');
    expect(a.ok && a.settings.projectAllowedTools).toEqual({ api: ['Bash(npm test:*)'] });
    expect(a.ok && a.settings.projectHighRiskCommands).toEqual({ api: ['deploy'] });
    writeFileSync(path, JSON.stringify({ projectAllowedTools: { api: ['--settings={}'] } }));
    const b = loadSettings(['--config', path], { HOME: home }, '/w');
    expect(!b.ok && b.message).toContain('a rule cannot start with -');
  });

  it('merges global and project rules, by folder name or absolute path, each rule once', () => {
    const by = { api: ['Bash(npm test:*)', 'Read'], '/src/site': ['Bash(make:*)'] };
    expect(allowedToolsFor(['Read'], by, ['/home/me/api'])).toEqual(['Read', 'Bash(npm test:*)']);
    expect(allowedToolsFor([], by, ['/src/site/'])).toEqual(['Bash(make:*)']);
    expect(allowedToolsFor(['Read'], by, ['/other'])).toEqual(['Read']);
    // A task in a worktree of its own is matched by its main checkout too.
    expect(allowedToolsFor([], by, ['/state/worktrees/7-x', '/home/me/api'])).toEqual(['Bash(npm test:*)', 'Read']);
  });

  it('a run in the project gets the merged rules as --allowedTools; a run elsewhere only the global ones', async () => {
    const m = w.make({
      env: { ...w.env, FAKE_CLAUDE_ECHO_ARGS: '1' },
      allowedTools: ['Read'],
      projectAllowedTools: { api: ['Bash(npm test:*)'] },
    });
    await m.start();
    const a = await m.spawn({ name: 'in-api', prompt: 'scenario:plain', projectDir: w.dir('api') });
    const b = await m.spawn({ name: 'in-web', prompt: 'scenario:plain', projectDir: w.dir('web') });
    if (!a.ok || !b.ok) throw new Error('spawn refused');
    await finished(m, a.value.id);
    await finished(m, b.value.id);
    const argsOf = (id: number) => factLines(m, id, 'fake_args')[0]?.args as string[];
    expect(rulesArg(argsOf(a.value.id))).toEqual(['Read', 'Bash(npm test:*)']);
    expect(rulesArg(argsOf(b.value.id))).toEqual(['Read']);
  });
});

describe('per-project high-risk texts', () => {
  it('a voice allow of a matching command needs a key press in that project only', () => {
    const req = (task: number): PendingRequest => ({
      id: `${task}.1.t`,
      task,
      run: 1,
      toolName: 'Bash',
      input: { command: 'npm run deploy' },
      askedAt: 1,
      connected: true,
    });
    let pending = [req(1), req(2)];
    const port: DecisionPort = {
      list: () => pending,
      decide: (id) => {
        pending = pending.filter((p) => p.id !== id);
        return true;
      },
    };
    const desk = new RequestDesk(() => port);
    desk.projectHighRisk = { api: ['deploy'] };
    desk.projectDirOf = (t) => (t === 1 ? '/p/api' : '/p/web');
    expect(desk.answer(1, 'allow', { source: 'voice' })).toMatchObject({
      ok: false,
      say: expect.stringContaining('high-risk'),
    });
    expect(desk.answer(2, 'allow', { source: 'voice' }).ok).toBe(true);
    expect(desk.answer(1, 'allow', { source: 'key' }).ok).toBe(true);
  });
});
