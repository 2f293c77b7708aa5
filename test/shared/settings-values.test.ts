import { describe, expect, it } from 'vitest';
import { dispatchCommand } from '../../src/commands/dispatch.js';
import { toolDefinitions } from '../../src/commands/tools.js';
import { configFileSchema } from '../../src/config/config.js';
import {
  MIC_STREAM_MODES,
  NOTICE_MODES,
  PERMISSION_MODES,
  SAME_DIR_POLICIES,
} from '../../src/shared/settings-values.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import { FakeTasks, FakeVoice } from '../commands/fakes.js';

describe('setting values have one home', () => {
  it('the config file accepts exactly the listed modes and policies', () => {
    for (const [field, values] of [
      ['notices', NOTICE_MODES],
      ['permissionMode', PERMISSION_MODES],
      ['sameDirPolicy', SAME_DIR_POLICIES],
      ['micStream', MIC_STREAM_MODES],
    ] as const) {
      for (const v of values) expect(configFileSchema.safeParse({ [field]: v }).success, `${field}=${v}`).toBe(true);
      expect(configFileSchema.safeParse({ [field]: 'nonsense' }).success, field).toBe(false);
    }
  });

  it('the set_notice_mode tool offers the same notice modes the config takes', () => {
    const tool = toolDefinitions().find((t) => t.name === 'set_notice_mode')!;
    const mode = (tool.parameters as { properties: { mode: { enum: string[] } } }).properties.mode;
    expect(mode.enum).toEqual([...NOTICE_MODES]);
  });

  it('a typed new task takes every listed permission mode and refuses others with the list', async () => {
    const tasks = new FakeTasks([]);
    const store = createStore(reducer, createInitialState(), { sync: true });
    const ctx = { tasks, voice: new FakeVoice(), store, quit: () => undefined };
    const base = { name: 'x', prompt: 'p', project: 'api' };
    for (const permissionMode of PERMISSION_MODES)
      expect((await dispatchCommand(ctx, 'spawn_task', { ...base, permissionMode }, 'key')).ok, permissionMode).toBe(
        true,
      );
    const r = await dispatchCommand(ctx, 'spawn_task', { ...base, permissionMode: 'yolo' }, 'key');
    expect(r.say).toContain(`permissions must be one of: ${PERMISSION_MODES.join(', ')}`);
  });
});
