import { describe, expect, it } from 'vitest';
import { FilesTouched } from '../../src/tasks/files-touched.js';
import type { AgentEvent } from '../../src/tasks/types.js';

const write = (id: string, filePath: string): AgentEvent => ({
  type: 'tool_use',
  id,
  name: 'Write',
  input: { file_path: filePath },
  summary: `Write ${filePath}`,
  filePath,
});
const result = (toolUseId: string, isError: boolean): AgentEvent => ({
  type: 'tool_result',
  toolUseId,
  isError,
  text: '',
});

describe('FilesTouched', () => {
  it('counts a write only when its result succeeded', () => {
    const f = new FilesTouched();
    expect(f.apply(write('a', '/p/a.ts'))).toBeUndefined();
    expect(f.apply(write('b', '/p/b.ts'))).toBeUndefined();
    expect(f.apply(result('b', true))).toBeUndefined();
    expect(f.apply(result('a', false))).toBe('/p/a.ts');
    // A later successful write of the refused file counts then.
    f.apply(write('c', '/p/b.ts'));
    expect(f.apply(result('c', false))).toBe('/p/b.ts');
  });

  it('reports each file once, also across runs', () => {
    const f = new FilesTouched(['/p/a.ts']);
    f.apply(write('a', '/p/a.ts'));
    expect(f.apply(result('a', false))).toBeUndefined();
  });

  it('ignores results of other tools and unknown ids', () => {
    const f = new FilesTouched();
    expect(f.apply(result('zzz', false))).toBeUndefined();
    f.apply(write('', '/p/x.ts'));
    expect(f.apply(result('', false))).toBeUndefined();
  });

  it('a write still waiting for its result survives a restart (saved pending writes)', () => {
    const before = new FilesTouched();
    before.apply(write('w1', '/p/notes.md'));
    const saved = JSON.parse(JSON.stringify(before.pendingWrites())) as [string, string][];
    const after = new FilesTouched([], saved);
    expect(after.apply(result('w1', false))).toBe('/p/notes.md');
  });
});
