// A running task record with one running run, for tests that feed agent events to the task state.
import type { TaskRecord } from '../../src/tasks/types.js';

export function runningRecord(over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: 1,
    name: 'n',
    status: 'running',
    projectDir: '/p',
    backend: 'claude',
    prompt: 'p',
    permissionMode: 'acceptEdits',
    createdAt: 0,
    updatedAt: 0,
    stalled: false,
    activity: '',
    turns: 0,
    costUsd: 0,
    filesTouched: [],
    runs: [{ runNo: 1, prompt: 'p', status: 'running' }],
    ...over,
  };
}
