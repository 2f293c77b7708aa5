// `o`: the editor comes from $VISUAL, else $EDITOR, and runs as an argv with the folder last,
// while the UI has handed over the terminal. A real subprocess stands in for the editor.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEditorOpener, editorArgv, type TerminalHandover } from '../../src/shared/open-editor.js';

/** A shell script that records its arguments and folder, and exits with `code`. */
function fakeEditor(code = 0): { path: string; log: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vo-editor-'));
  const log = join(dir, 'log');
  const path = join(dir, 'ed');
  writeFileSync(path, `#!/bin/sh\nprintf '%s|' "$PWD" "$@" > '${log}'\nexit ${code}\n`);
  chmodSync(path, 0o755);
  return { path, log, dir };
}

const recordingHandover = (): { calls: string[]; handOver: TerminalHandover } => {
  const calls: string[] = [];
  return {
    calls,
    handOver: async (run) => {
      calls.push('unmount');
      try {
        return await run();
      } finally {
        calls.push('remount');
      }
    },
  };
};

describe('editorArgv', () => {
  it('prefers $VISUAL, falls back to $EDITOR, splits on blanks, and is undefined when neither is set', () => {
    expect(editorArgv({ VISUAL: 'code -w', EDITOR: 'vim' })).toEqual(['code', '-w']);
    expect(editorArgv({ VISUAL: '  ', EDITOR: ' emacsclient  -t ' })).toEqual(['emacsclient', '-t']);
    expect(editorArgv({})).toBeUndefined();
  });
});

describe('createEditorOpener', () => {
  it('runs the editor with its own words and the folder last, in the folder, while the terminal is handed over', async () => {
    const ed = fakeEditor();
    const h = recordingHandover();
    const r = await createEditorOpener({ EDITOR: `${ed.path} --wait` }, h.handOver).open(ed.dir);
    expect(r).toMatchObject({ ok: true, opened: true });
    expect(readFileSync(ed.log, 'utf8')).toBe(`${ed.dir}|--wait|${ed.dir}|`);
    expect(h.calls).toEqual(['unmount', 'remount']);
  });

  it('without $VISUAL or $EDITOR it names the folder and leaves the terminal alone', async () => {
    const h = recordingHandover();
    const r = await createEditorOpener({}, h.handOver).open('/srv/app');
    expect(r).toEqual({ ok: true, opened: false, message: 'No $VISUAL or $EDITOR is set. The folder is /srv/app' });
    expect(h.calls).toEqual([]);
  });

  it('an editor that cannot start or fails is reported, and the UI comes back', async () => {
    const h = recordingHandover();
    const dir = mkdtempSync(join(tmpdir(), 'vo-editor-'));
    const missing = await createEditorOpener({ VISUAL: join(dir, 'no-such-editor') }, h.handOver).open(dir);
    expect(missing).toMatchObject({ ok: false, opened: false });
    expect(missing.message).toMatch(/^Could not start .*no-such-editor/);
    const ed = fakeEditor(3);
    const failed = await createEditorOpener({ VISUAL: ed.path }, h.handOver).open(ed.dir);
    expect(failed).toMatchObject({ ok: false, opened: true, message: `${ed.path} ended with exit code 3` });
    expect(h.calls).toEqual(['unmount', 'remount', 'unmount', 'remount']);
  });
});
