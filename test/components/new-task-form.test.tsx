// The new-task form: project first with completion (`.`, hosts, "and N more"), a name made from
// the prompt when left empty, one line per permission mode.
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveTaskName } from '../../src/commands/task-name.js';
import { candidateLine } from '../../src/components/NewTaskForm.js';
import { task } from '../commands/fakes.js';
import { KEY, mount } from './harness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A real root with one project folder, the start folder inside it. */
function rootWithProject(): { root: string; here: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'vo-form-')));
  dirs.push(root);
  const here = join(root, 'api');
  mkdirSync(here);
  return { root, here };
}

describe('the new-task form', () => {
  it('asks for the project first; `.` is offered and sent as the start folder; the name comes from the prompt', async () => {
    const { root, here } = rootWithProject();
    const app = await mount({ startDir: here });
    app.tasks.roots = () => [root];
    await app.press('n');
    const frame = app.frame();
    const lines = frame.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/Project:/)).toBeGreaterThan(-1);
    expect(at(/Project:/)).toBeLessThan(at(/Prompt:/));
    expect(at(/Prompt:/)).toBeLessThan(at(/Name\?/));
    expect(frame).toMatch(/projects: \.\s+api\s+app\s+web/);
    await app.press('.');
    expect(app.frame()).toContain(`. = ${here} (the folder voice-orch started in)`);
    await app.press(KEY.tab, 'Fix the login redirect on Safari. Then add a test.');
    await app.press(KEY.tab);
    expect(app.frame()).toContain('empty: named fix-login-redirect (from the prompt)');
    await app.press(KEY.enter);
    expect(app.tasks.calls).toEqual([`spawn fix-login-redirect ${here}`]);
  });

  it('`.` is not offered when voice-orch was started outside the roots', async () => {
    const { root } = rootWithProject();
    const outside = realpathSync(mkdtempSync(join(tmpdir(), 'vo-out-')));
    dirs.push(outside);
    const app = await mount({ startDir: outside });
    app.tasks.roots = () => [root];
    await app.press('n');
    expect(app.frame()).toMatch(/projects: api\s+app\s+web/);
    expect(app.frame()).not.toMatch(/projects: \./);
  });

  it('Tab completes a project; hosts are offered as host: and the folders earlier tasks used there', async () => {
    const app = await mount({
      hosts: { build: { roots: ['/srv/src'] } },
      tasks: [task({ id: 1, name: 'old', host: 'build', projectDir: '/srv/src/api', status: 'completed' })],
    });
    await app.press('n', 'b');
    expect(app.frame()).toMatch(/projects: build:\s+build:api/);
    await app.press(KEY.tab);
    expect(app.frame()).toMatch(/Project:\s+build:▍/);
    await app.press('a', KEY.tab);
    expect(app.frame()).toMatch(/Project:\s+build:api▍/);
    await app.press(KEY.esc);
    await app.press('n', 'w', KEY.tab);
    expect(app.frame()).toMatch(/Project:\s+web▍/);
  });

  it('a long completion list is cut with "and N more"', async () => {
    const app = await mount({ columns: 80, rows: 24 });
    app.tasks.projects = Array.from({ length: 40 }, (_, i) => `project-${String(i).padStart(2, '0')}`);
    await app.press('n');
    const line =
      app
        .frame()
        .split('\n')
        .find((l) => l.includes('projects:')) ?? '';
    expect(line).toMatch(/projects: project-00\s+project-01 .* and \d+ more/);
    const more = Number(/and (\d+) more/.exec(line)?.[1]);
    const shown = (line.match(/project-\d\d/g) ?? []).length;
    expect(shown + more).toBe(40);
    expect(candidateLine('p: ', ['a', 'b'], 80)).toBe('p: a  b');
    expect(candidateLine('p: ', ['aaaa', 'bbbb', 'cccc'], 19)).toBe('p: aaaa  and 2 more');
    expect(candidateLine('p: ', ['aaaaaaaa', 'b', 'c'], 18)).toBe('p: aa…  and 2 more');
  });

  it('explains each permission mode in one line, narrowed by what is typed', async () => {
    const app = await mount({ columns: 100, rows: 40 });
    await app.press('n', KEY.tab, KEY.tab, KEY.tab, KEY.tab);
    const f = app.frame();
    for (const mode of ['acceptEdits', 'auto', 'bypassPermissions', 'manual', 'default', 'dontAsk', 'plan']) {
      expect(f).toMatch(new RegExp(`^\\W*${mode}\\s+\\S.*$`, 'm'));
    }
    expect(f).toMatch(/plan\s+reads only and writes a plan first/);
    await app.press('d');
    expect(app.frame()).toMatch(/default\s+asks you/);
    expect(app.frame()).toMatch(/dontAsk\s+never asks/);
    expect(app.frame()).not.toMatch(/acceptEdits\s+edits/);
  });

  it('at 80×24 the modes list fits what is left and names the rest', async () => {
    const app = await mount({ columns: 80, rows: 24 });
    await app.press('n', KEY.tab, KEY.tab, KEY.tab, KEY.tab);
    const frame = app.frame();
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    expect(frame).toMatch(/acceptEdits\s+edits files/);
  });
});

describe('a name from the prompt', () => {
  it('takes the first meaningful words of the first sentence, in kebab-case', () => {
    expect(deriveTaskName('Fix the login redirect on Safari')).toBe('fix-login-redirect');
    expect(deriveTaskName('Please add tests.\nThen refactor everything')).toBe('add-tests');
    expect(deriveTaskName('Café crème: résumé')).toBe('cafe-creme-resume');
    expect(deriveTaskName('the a an')).toBe('the-a-an');
    expect(deriveTaskName('')).toBe('task');
    expect(deriveTaskName('!!! ???')).toBe('task');
  });

  it('keeps nothing hostile: no control sequences, slashes, dots or dashes at the ends', () => {
    const name = deriveTaskName('\u001b]52;c;ZXZpbA==\u0007 ../../etc/passwd --settings={"x":1}');
    expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(name.length).toBeLessThanOrEqual(32);
    expect(deriveTaskName('x'.repeat(100))).toHaveLength(32);
  });
});
