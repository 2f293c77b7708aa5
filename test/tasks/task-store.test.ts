import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { defaultStateDir, TaskStore, type RegistryData } from '../../src/tasks/task-store.js';
import type { TaskRecord } from '../../src/tasks/types.js';

const temps: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'vo-store-'));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const rec = (id: number, status: TaskRecord['status'] = 'completed'): TaskRecord => ({
  id,
  name: `t${id}`,
  status,
  projectDir: '/p',
  backend: 'claude',
  prompt: 'x',
  permissionMode: 'acceptEdits',
  createdAt: 1,
  updatedAt: 1,
  stalled: status === 'running',
  activity: '',
  turns: 0,
  costUsd: 0,
  filesTouched: [],
  runs: [{ runNo: 1, prompt: 'x', status }],
});

describe('TaskStore', () => {
  it('defaults to $XDG_STATE_HOME/voice-orch, else ~/.local/state/voice-orch', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/x/state', HOME: '/h' })).toBe('/x/state/voice-orch');
    expect(defaultStateDir({ HOME: '/h' })).toBe('/h/.local/state/voice-orch');
  });

  it('creates private directories and round-trips the registry atomically', async () => {
    const dir = join(tempDir(), 'state');
    const s = new TaskStore(dir);
    await s.init();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(s.logDir).mode & 0o777).toBe(0o700);
    expect(s.logPath(3)).toBe(join(dir, 'tasks', '3.ndjson'));
    expect(s.stderrPath(3)).toBe(join(dir, 'tasks', '3.stderr'));
    expect((await s.load()).data).toEqual({ version: 1, nextId: 1, tasks: [] });
    const data: RegistryData = {
      version: 1,
      nextId: 3,
      tasks: [
        { record: rec(1), readOffset: 10, nextSeq: 4 },
        { record: rec(2, 'running'), readOffset: 0, nextSeq: 0 },
      ],
    };
    // Concurrent saves coalesce; the newest data wins.
    await Promise.all([s.save({ ...data, nextId: 2 }), s.save(data)]);
    expect(statSync(join(dir, 'tasks.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const back = (await s.load()).data;
    expect(back.nextId).toBe(3);
    expect(back.tasks[0]).toEqual(data.tasks[0]);
    // `stalled` is a live-only flag.
    expect(back.tasks[1]?.record.stalled).toBe(false);
  });

  it('never hands out an id below the highest recorded one, and moves a corrupt file aside', async () => {
    const dir = tempDir();
    const s = new TaskStore(dir);
    await s.init();
    writeFileSync(
      join(dir, 'tasks.json'),
      JSON.stringify({ version: 1, nextId: 2, tasks: [{ record: rec(7), readOffset: 0, nextSeq: 0 }, { junk: true }] }),
    );
    const loaded = await s.load();
    expect(loaded.data.nextId).toBe(8);
    expect(loaded.data.tasks).toHaveLength(1);
    writeFileSync(join(dir, 'tasks.json'), '{"version":1,"nextId":');
    const bad = await s.load();
    expect(bad.problems.join('\n')).toMatch(/unreadable.*moved to/);
    expect(bad.data.tasks).toEqual([]);
    expect(existsSync(join(dir, 'tasks.json'))).toBe(false);
    expect(readdirSync(dir).some((f) => f.startsWith('tasks.json.corrupt-'))).toBe(true);
    expect(
      readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith('tasks.json.corrupt-')) as string), 'utf8'),
    ).toBe('{"version":1,"nextId":');
  });

  it('moves a registry it cannot read aside, so the next save does not replace it', async () => {
    const dir = tempDir();
    const s = new TaskStore(dir);
    await s.init();
    // A read error that is not ENOENT (here EISDIR; EACCES or EMFILE in the field).
    mkdirSync(join(dir, 'tasks.json'));
    writeFileSync(join(dir, 'tasks.json', 'keep'), 'x');
    const bad = await s.load();
    expect(bad.problems.join('\n')).toMatch(/cannot read the task registry.*moved to .*tasks\.json\.unreadable-/);
    expect(bad.data.tasks).toEqual([]);
    await s.save(bad.data);
    const aside = readdirSync(dir).find((f) => f.startsWith('tasks.json.unreadable-')) as string;
    expect(readFileSync(join(dir, aside, 'keep'), 'utf8')).toBe('x');
    expect(JSON.parse(readFileSync(join(dir, 'tasks.json'), 'utf8'))).toEqual(bad.data);
  });

  it('a failed write does not keep newer data queued behind it from being written', async () => {
    const dir = tempDir();
    const s = new TaskStore(dir);
    await s.init();
    const real = (s as unknown as { writeAtomic: (t: string) => Promise<void> }).writeAtomic.bind(s);
    const spy = vi
      .spyOn(s as unknown as { writeAtomic: (t: string) => Promise<void> }, 'writeAtomic')
      .mockImplementationOnce(() => Promise.reject(new Error('ENOSPC')))
      .mockImplementation(real);
    const first = s.save({ version: 1, nextId: 2, tasks: [] });
    const second = s.save({ version: 1, nextId: 3, tasks: [] });
    // The newer data reached the disk, so both callers' data (or newer) is saved.
    await expect(Promise.all([first, second])).resolves.toBeDefined();
    expect(spy).toHaveBeenCalledTimes(2);
    expect((await s.load()).data.nextId).toBe(3);
    // A failure of the last write is still reported.
    spy.mockImplementationOnce(() => Promise.reject(new Error('EIO')));
    await expect(s.save({ version: 1, nextId: 4, tasks: [] })).rejects.toThrow('EIO');
  });

  it('skips a record whose runs are [] or [null] with a message naming it, and loads the rest', async () => {
    const dir = tempDir();
    const s = new TaskStore(dir);
    await s.init();
    writeFileSync(
      join(dir, 'tasks.json'),
      JSON.stringify({
        version: 1,
        nextId: 4,
        tasks: [
          { record: { ...rec(1, 'running'), runs: [] }, readOffset: 0, nextSeq: 0 },
          { record: { ...rec(2, 'running'), runs: [null] }, readOffset: 0, nextSeq: 0 },
          { record: rec(3), readOffset: 0, nextSeq: 0 },
        ],
      }),
    );
    const loaded = await s.load();
    expect(loaded.data.tasks.map((t) => t.record.id)).toEqual([3]);
    expect(loaded.data.nextId).toBe(4);
    expect(loaded.problems).toEqual([
      expect.stringMatching(/skipped a bad record.*task 1 \(record\.runs/),
      expect.stringMatching(/skipped a bad record.*task 2 \(record\.runs\.0/),
    ]);
  });

  it('never hands out an id that has files in the log directory, even with no registry', async () => {
    const dir = tempDir();
    const s = new TaskStore(dir);
    await s.init();
    writeFileSync(s.logPath(5), '{"type":"system"}\n');
    const loaded = await s.load();
    expect(loaded.data.nextId).toBe(6);
    expect(loaded.problems).toEqual([]);
  });

  it('writes run files durably and rebuilds a lost registry from them', async () => {
    const dir = tempDir();
    const s = new TaskStore(dir);
    await s.init();
    const base = {
      taskId: 2,
      name: 'fix login',
      projectDir: '/p',
      backend: 'claude' as const,
      permissionMode: 'acceptEdits' as const,
      taskPrompt: 'fix it',
      createdAt: 1,
      logOffset: 0,
    };
    await s.writeRunMeta({ ...base, runNo: 1, prompt: 'fix it', startedAt: 2, status: 'completed', endedAt: 3 });
    await s.writeRunMeta({
      ...base,
      runNo: 2,
      prompt: 'and test it',
      startedAt: 4,
      logOffset: 90,
      pid: 4242,
      status: 'running',
    });
    expect(statSync(s.runMetaPath(2, 1)).mode & 0o777).toBe(0o600);
    const loaded = await s.load();
    expect(loaded.problems).toEqual(['rebuilt task 2 from its run files']);
    expect(loaded.data.nextId).toBe(3);
    const t = loaded.data.tasks[0];
    expect(t?.readOffset).toBe(90);
    expect(t?.record).toMatchObject({ id: 2, name: 'fix login', prompt: 'fix it', status: 'running' });
    expect(t?.record.runs.map((r) => [r.runNo, r.status, r.pid, r.logOffset])).toEqual([
      [1, 'completed', undefined, 0],
      [2, 'running', 4242, 90],
    ]);
  });

  it('refuses a run log name that is a path: the registry never points a read outside the log directory', async () => {
    const dir = tempDir();
    const s = new TaskStore(dir);
    await s.init();
    const bad = rec(1);
    bad.runs[0] = { ...bad.runs[0], runNo: 1, prompt: 'x', status: 'completed', logFile: '../../etc/passwd' };
    writeFileSync(
      join(dir, 'tasks.json'),
      JSON.stringify({ version: 1, nextId: 2, tasks: [{ record: bad, readOffset: 0, nextSeq: 0 }] }),
    );
    const loaded = await s.load();
    expect(loaded.data.tasks).toEqual([]);
    expect(loaded.problems).toEqual([expect.stringMatching(/task 1 \(record\.runs\.0\.logFile: not a run log name\)/)]);
  });
});
