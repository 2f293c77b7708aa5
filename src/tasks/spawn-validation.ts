/**
 * The checks a spawn or follow-up passes before anything is created, with the sentence a person
 * (or the model) hears when one fails, and the new task record of an accepted spawn. Pure: the
 * folder is resolved against the roots by project-dirs.ts.
 */
import { sanitizeLine } from '../shared/sanitize.js';
import type { BackendConfig } from './backends/agent-backend.js';
import { backendFor } from './backends/registry.js';
import type { Placement } from './isolation.js';
import type { SpawnExtras } from './task-state.js';
import {
  isLive,
  type ActionResult,
  type BackendKind,
  type PermissionMode,
  type SpawnOptions,
  type TaskRecord,
} from './types.js';

/** The manager's settings the checks read. */
export interface SpawnPolicy extends BackendConfig {
  defaultPermissionMode: PermissionMode;
  allowBypassPermissions: boolean;
  backend: BackendKind;
  /** The budget of a spawn that names none (USD); none when undefined. */
  defaultMaxBudgetUsd?: number;
  /** The agent of a spawn that names none, by project folder name or absolute path (before `backend`). */
  projectAgents?: Readonly<Record<string, BackendKind>>;
}

/** The configured agent of a project given as a folder name or a path, if any. */
export function projectAgent(
  projectDir: string,
  agents: Readonly<Record<string, BackendKind>> | undefined,
): BackendKind | undefined {
  if (agents === undefined) return undefined;
  const trimmed = projectDir.trim().replace(/\/+$/, '');
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return Object.hasOwn(agents, trimmed) ? agents[trimmed] : Object.hasOwn(agents, base) ? agents[base] : undefined;
}

/** An accepted spawn, cleaned, before its folder is resolved. */
export interface ValidSpawn {
  name: string;
  prompt: string;
  permissionMode: PermissionMode;
  backend: BackendKind;
  model?: string;
  extras: SpawnExtras;
}

/** Checks a spawn's name, prompt, permission mode, backend and limits. */
export function validateSpawn(opts: SpawnOptions, p: SpawnPolicy): ActionResult<ValidSpawn> {
  // The name comes from the model or the form and is shown everywhere: cleaned once, here.
  const name = sanitizeLine(opts.name ?? '');
  const prompt = opts.prompt ?? '';
  if (name === '') return { ok: false, message: 'A task needs a name. What should I call it?' };
  if (prompt.trim() === '') return { ok: false, message: 'A task needs a prompt: what should the agent do?' };
  const mode = opts.permissionMode ?? p.defaultPermissionMode;
  if (mode === 'bypassPermissions' && !p.allowBypassPermissions) {
    return {
      ok: false,
      message:
        'Bypassing permissions is turned off. It is allowed only when it is the default you chose yourself: "permissionMode": "bypassPermissions" in config.json or --permission-mode bypassPermissions. Otherwise use acceptEdits.',
    };
  }
  const backend = opts.backend ?? projectAgent(opts.projectDir ?? '', p.projectAgents) ?? p.backend;
  const refusal = backendFor(backend).refusal(p);
  if (refusal !== undefined) return { ok: false, message: refusal };
  if (opts.maxTurns !== undefined && !(Number.isInteger(opts.maxTurns) && opts.maxTurns > 0)) {
    return { ok: false, message: 'The turn limit must be a whole number above zero.' };
  }
  // Only claude takes a spending cap (`--max-budget-usd`); a configured agent command gets none.
  if (opts.maxBudgetUsd !== undefined && backend !== 'claude') {
    return {
      ok: false,
      message: `A budget works only with the claude agent; ${backend === 'command' ? 'the configured agent command' : backend} takes none.`,
    };
  }
  const budget = opts.maxBudgetUsd ?? (backend === 'claude' ? p.defaultMaxBudgetUsd : undefined);
  if (budget !== undefined && !(typeof budget === 'number' && Number.isFinite(budget) && budget > 0)) {
    return { ok: false, message: 'The budget must be an amount of dollars above zero.' };
  }
  if (opts.reasoningEffort !== undefined && backend !== 'codex') {
    return { ok: false, message: 'A reasoning effort works only with the codex agent; leave it out for this one.' };
  }
  const extras: SpawnExtras = {};
  if (opts.reasoningEffort !== undefined) extras.reasoningEffort = opts.reasoningEffort;
  if (opts.maxTurns !== undefined) extras.maxTurns = opts.maxTurns;
  if (budget !== undefined) extras.maxBudgetUsd = budget;
  if (opts.appendSystemPrompt !== undefined && opts.appendSystemPrompt !== '')
    extras.appendSystemPrompt = opts.appendSystemPrompt;
  const valid: ValidSpawn = { name, prompt, permissionMode: mode, backend, extras };
  if (opts.model !== undefined && opts.model !== '') valid.model = opts.model;
  return { ok: true, value: valid };
}

/** The record of a new task (queued, one queued run), in its folder and, if it has one, its worktree. */
export function newTaskRecord(id: number, v: ValidSpawn, place: string | Placement, now: number): TaskRecord {
  const { projectDir, worktree, host } = typeof place === 'string' ? { projectDir: place } : (place as Placement);
  const rec: TaskRecord = {
    id,
    name: v.name,
    status: 'queued',
    projectDir,
    backend: v.backend,
    prompt: v.prompt,
    permissionMode: v.permissionMode,
    createdAt: now,
    updatedAt: now,
    stalled: false,
    activity: 'queued',
    turns: 0,
    costUsd: 0,
    filesTouched: [],
    runs: [{ runNo: 1, prompt: v.prompt, status: 'queued' }],
  };
  if (v.model !== undefined) rec.model = v.model;
  if (worktree !== undefined) rec.worktree = worktree;
  if (host !== undefined) rec.host = host;
  if (v.extras.maxBudgetUsd !== undefined) rec.budgetUsd = v.extras.maxBudgetUsd;
  return rec;
}

/** Why task `rec` cannot take a follow-up saying `prompt`, or undefined when it can. */
export function followUpRefusal(rec: TaskRecord, prompt: string): string | undefined {
  if (isLive(rec.status)) {
    return `Task ${rec.id} (${rec.name}) is still ${rec.status}; wait for it to finish or cancel it first.`;
  }
  if ((prompt ?? '').trim() === '') return 'What should the follow-up say?';
  if (rec.claudeSessionId === undefined || rec.claudeSessionId === '') {
    return `Task ${rec.id} (${rec.name}) has no agent session to continue; start a new task instead.`;
  }
  return undefined;
}
