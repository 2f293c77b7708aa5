/**
 * Schemas of what the task engine reads back from disk: registry records and per-run meta files.
 * The registry is outside data (an older version, a truncated write, a hand edit), so every
 * record is parsed here once and a bad one is skipped with a reason instead of crashing the
 * start (a running task whose `runs` was `[]` once did). Objects are loose: fields a newer
 * version added survive a load and save by an older one.
 */
import { z } from 'zod';
import type { PersistedTask } from './task-store.js';

const status = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted']);
const failure = z.object({
  kind: z.enum(['api_error', 'max_turns', 'budget', 'crashed', 'could_not_start', 'execution_error']),
  message: z.string(),
});
const count = z.number().int().nonnegative();
const time = z.number().finite();
const logFile = z.string().regex(/^\d+\.run-\d+\.ndjson$/, 'not a run log name');

const run = z.looseObject({
  runNo: z.number().int().positive(),
  prompt: z.string(),
  startedAt: time.optional(),
  endedAt: time.optional(),
  pid: z.number().int().optional(),
  pidStartTime: z.number().optional(),
  exitCode: z.number().nullable().optional(),
  signal: z.string().nullable().optional(),
  status,
  failure: failure.optional(),
  resultText: z.string().optional(),
  turns: z.number().optional(),
  costUsd: z.number().optional(),
  logOffset: count.optional(),
  // A base name inside the log directory, never a path: the registry must not point a read elsewhere.
  logFile: logFile.optional(),
});

const record = z.looseObject({
  id: z.number().int().positive(),
  name: z.string(),
  status,
  projectDir: z.string(),
  host: z.string().optional().catch(undefined),
  backend: z.enum(['claude', 'codex', 'gemini', 'command']),
  prompt: z.string(),
  model: z.string().optional(),
  permissionMode: z.enum(['acceptEdits', 'auto', 'bypassPermissions', 'manual', 'default', 'dontAsk', 'plan']),
  createdAt: time,
  startedAt: time.optional(),
  endedAt: time.optional(),
  updatedAt: time,
  queuedReason: z.string().optional(),
  failure: failure.optional(),
  // A live-only flag: every load starts unstalled.
  stalled: z
    .boolean()
    .catch(false)
    .transform(() => false),
  activity: z.string().catch(''),
  turns: z.number().catch(0),
  costUsd: z.number().catch(0),
  budgetUsd: z.number().positive().optional().catch(undefined),
  claudeSessionId: z.string().optional(),
  resultText: z.string().optional(),
  filesTouched: z.array(z.string()).catch([]),
  runs: z.array(run).min(1, 'a task has at least one run'),
  worktree: z
    .looseObject({
      repoRoot: z.string(),
      path: z.string(),
      branch: z.string(),
      baseCommit: z.string(),
      missing: z.boolean().optional().catch(undefined),
    })
    .optional(),
  changes: z
    .looseObject({
      files: z.array(z.looseObject({ path: z.string(), added: count.optional(), removed: count.optional() })),
      added: count,
      removed: count,
    })
    .optional()
    .catch(undefined),
  queuedFollowUps: z.array(z.string()).optional().catch(undefined),
});

const persistedTask = z.looseObject({
  record,
  readOffset: count.catch(0),
  nextSeq: count.catch(0),
  stderrOffset: count.optional(),
  lastResult: z.looseObject({ type: z.literal('result') }).optional(),
  lastApiError: z.looseObject({ type: z.literal('api_error') }).optional(),
  cancelling: z.boolean().optional(),
  pendingWrites: z
    .array(z.tuple([z.string(), z.string()]))
    .optional()
    .catch(undefined),
  spawnExtras: z
    .looseObject({
      maxTurns: z.number().optional(),
      maxBudgetUsd: z.number().optional(),
      appendSystemPrompt: z.string().optional(),
      reasoningEffort: z.string().optional(),
    })
    .optional(),
});

/** One registry entry checked against the schema; `problem` names the task (when it can) and the field. */
export function parsePersistedTask(v: unknown): { ok: true; task: PersistedTask } | { ok: false; problem: string } {
  const res = persistedTask.safeParse(v);
  if (res.success) return { ok: true, task: res.data as unknown as PersistedTask };
  const id = (v as { record?: { id?: unknown } } | null)?.record?.id;
  const issue = res.error.issues[0];
  const where = issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid';
  return { ok: false, problem: `${typeof id === 'number' ? `task ${id}` : 'a task'} (${where})` };
}

/**
 * What `<stateDir>/tasks/<id>.run-<n>.json` holds: enough to rebuild the task's record when the
 * registry is lost. Written before the run's process starts, again with its pid, and at its end.
 */
export const runMetaSchema = z.looseObject({
  taskId: z.number().int().positive(),
  runNo: z.number().int().positive(),
  name: z.string(),
  projectDir: z.string(),
  backend: z.enum(['claude', 'codex', 'gemini', 'command']),
  permissionMode: record.shape.permissionMode,
  model: z.string().optional(),
  /** The task's first prompt. */
  taskPrompt: z.string(),
  /** This run's prompt (a follow-up's text for runs after the first). */
  prompt: z.string(),
  createdAt: time,
  startedAt: time,
  logOffset: count,
  logFile: logFile.optional(),
  pid: z.number().int().optional(),
  pidStartTime: z.number().optional(),
  claudeSessionId: z.string().optional(),
  status,
  endedAt: time.optional(),
  failure: failure.optional(),
});

/** One run's meta file (see {@link runMetaSchema}). */
export type RunMeta = z.infer<typeof runMetaSchema>;
