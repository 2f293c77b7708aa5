import { describe, expect, it } from 'vitest';
import { displayPath, summarizeToolUse } from '../../src/tasks/tool-summary.js';

const CWD = '/home/u/code/api';

describe('summarizeToolUse', () => {
  it.each([
    ['Edit', { file_path: '/home/u/code/api/src/auth.ts', old_string: 'a', new_string: 'b' }, 'Edit src/auth.ts'],
    ['MultiEdit', { file_path: '/home/u/code/api/src/a.ts', edits: [] }, 'MultiEdit src/a.ts'],
    ['Write', { file_path: '/home/u/code/api/NOTES.md', content: 'x' }, 'Write NOTES.md'],
    ['Read', { file_path: '/home/u/code/api/package.json' }, 'Read package.json'],
    ['Read', { file_path: '/etc/hosts' }, 'Read /etc/hosts'],
    ['Read', { file_path: '/home/u/code/api-other/x.ts' }, 'Read /home/u/code/api-other/x.ts'],
    ['NotebookEdit', { notebook_path: '/home/u/code/api/nb.ipynb', new_source: '' }, 'NotebookEdit nb.ipynb'],
    ['Bash', { command: 'npm test', description: 'Run tests' }, 'Bash: npm test'],
    ['Bash', { command: 'cd x &&\n  make all' }, 'Bash: cd x && …'],
    ['Grep', { pattern: 'TODO' }, 'Grep: TODO'],
    ['Grep', { pattern: 'TODO', path: '/home/u/code/api/src' }, 'Grep: TODO in src'],
    ['Glob', { pattern: '**/*.ts' }, 'Glob: **/*.ts'],
    ['WebFetch', { url: 'https://example.com/a/b?c=1', prompt: 'x' }, 'WebFetch: example.com'],
    ['WebFetch', { url: 'not a url' }, 'WebFetch: not a url'],
    ['WebSearch', { query: 'vitest fake timers' }, 'WebSearch: vitest fake timers'],
    ['Task', { description: 'Review auth', prompt: 'long' }, 'Task: Review auth'],
    ['Agent', { description: 'Find callers', subagent_type: 'Explore' }, 'Agent: Find callers'],
    [
      'TodoWrite',
      {
        todos: [
          { content: 'a', status: 'completed' },
          { content: 'b', status: 'in_progress', activeForm: 'Writing tests' },
          { content: 'c', status: 'pending' },
        ],
      },
      'TodoWrite: 1/3 done · Writing tests',
    ],
    ['TodoWrite', {}, 'TodoWrite: update plan'],
    ['mcp__github__create_issue', { title: 'Crash on start' }, 'github.create_issue: Crash on start'],
    ['FancyTool', { query: 'what' }, 'FancyTool: what'],
    ['FancyTool', {}, 'FancyTool'],
    ['FancyTool', 'not an object', 'FancyTool'],
    ['Edit', null, 'Edit'],
  ])('%s %j → %s', (name, input, expected) => {
    expect(summarizeToolUse(name, input, CWD)).toBe(expected);
  });

  it('cuts long commands to about 60 characters on one line', () => {
    const s = summarizeToolUse('Bash', { command: `echo ${'x'.repeat(200)}` });
    expect(s.length).toBeLessThanOrEqual('Bash: '.length + 60);
    expect(s.endsWith('…')).toBe(true);
  });

  it('strips ANSI and control characters and never returns newlines', () => {
    const s = summarizeToolUse('Bash', { command: '\x1b[31mrm\x1b[0m -rf\tbuild\r' });
    expect(s).toBe('Bash: rm -rf build');
    const t = summarizeToolUse('Evil\nTool\x1b[2J', { description: 'line1\nline2' });
    for (const c of ['\n', '\r', '\x1b']) expect(t).not.toContain(c);
  });

  it('without cwd shows absolute paths, shortened from the left when long', () => {
    expect(summarizeToolUse('Write', { file_path: '/home/dev/projects/write-file/NOTES.md' })).toBe(
      'Write /home/dev/projects/write-file/NOTES.md',
    );
    const deep = `/very/${'long/'.repeat(20)}file.ts`;
    const shown = displayPath(deep);
    expect(shown.length).toBeLessThanOrEqual(60);
    expect(shown.startsWith('…/')).toBe(true);
    expect(shown.endsWith('/long/file.ts')).toBe(true);
  });
});
