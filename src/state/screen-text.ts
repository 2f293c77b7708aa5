/**
 * The gate between outside text and the UI state. Every action goes through {@link cleanAction}
 * before the reducer applies it, so whatever path a string took (a port event bound in bind.ts,
 * a command's own dispatch, a record loaded from disk) it reaches the state cleaned by the one
 * sanitiser, and views never see raw outside text: task names, activity, result text, file
 * names, failure reasons, output entries, the model's transcript and tool arguments, notices,
 * and the labels that come from config, devices and the network.
 *
 * Transcript entries, notices and activity lines also lose the untrusted fence: that markup is
 * for the model only (src/shared/fence.ts); the screen shows the text inside it.
 */
import type { AudioStatus } from '../audio/types.js';
import type { ConnectionState, TranscriptEntry } from '../session/types.js';
import { unfence } from '../shared/fence.js';
import { sanitizeLine, sanitizeText } from '../shared/sanitize.js';
import type { TaskOutputEntry, TaskRecord } from '../tasks/types.js';
import type { Action } from './actions.js';
import type { ConfirmRequest } from './types.js';

/** Text for the screen: sanitised, fences removed. */
export function screenText(s: string): string {
  return unfence(sanitizeText(s));
}

/** A task record whose shown fields are clean; the same object when nothing changed. */
export function cleanTask(t: TaskRecord): TaskRecord {
  const name = sanitizeLine(t.name);
  const activity = sanitizeText(t.activity);
  const projectDir = sanitizeText(t.projectDir);
  const resultText = t.resultText === undefined ? undefined : sanitizeText(t.resultText);
  const queuedReason = t.queuedReason === undefined ? undefined : sanitizeText(t.queuedReason);
  const model = t.model === undefined ? undefined : sanitizeLine(t.model);
  const failureMessage = t.failure ? sanitizeText(t.failure.message) : undefined;
  // Prompts are shown in the log view and the result card; a voice-made one is model output.
  const prompt = sanitizeText(t.prompt);
  let runsChanged = false;
  const runs = t.runs.map((r) => {
    const p = sanitizeText(r.prompt);
    if (p === r.prompt) return r;
    runsChanged = true;
    return { ...r, prompt: p };
  });
  let filesChanged = false;
  const files = t.filesTouched.map((f) => {
    const c = sanitizeText(f);
    if (c !== f) filesChanged = true;
    return c;
  });
  if (
    name === t.name &&
    activity === t.activity &&
    projectDir === t.projectDir &&
    resultText === t.resultText &&
    queuedReason === t.queuedReason &&
    model === t.model &&
    failureMessage === t.failure?.message &&
    prompt === t.prompt &&
    !runsChanged &&
    !filesChanged
  ) {
    return t;
  }
  const out: TaskRecord = { ...t, name, activity, projectDir, prompt, runs, filesTouched: files };
  if (resultText !== undefined) out.resultText = resultText;
  if (queuedReason !== undefined) out.queuedReason = queuedReason;
  if (model !== undefined) out.model = model;
  if (t.failure) out.failure = { ...t.failure, message: failureMessage ?? '' };
  return out;
}

function cleanEntries(entries: TaskOutputEntry[]): TaskOutputEntry[] {
  let changed = false;
  const out = entries.map((e) => {
    const text = sanitizeText(e.text);
    if (text === e.text) return e;
    changed = true;
    return { ...e, text };
  });
  return changed ? out : entries;
}

function cleanTranscript(e: TranscriptEntry): TranscriptEntry {
  const text = screenText(e.text);
  return text === e.text ? e : { ...e, text };
}

function cleanConnection(c: ConnectionState): ConnectionState {
  switch (c.kind) {
    case 'disabled':
      return { ...c, reason: sanitizeText(c.reason) };
    case 'failed':
      return { ...c, message: sanitizeText(c.message) };
    case 'reconnecting':
      return c.lastError === undefined ? c : { ...c, lastError: sanitizeText(c.lastError) };
    default:
      return c;
  }
}

function cleanAudio(s: AudioStatus): AudioStatus {
  switch (s.kind) {
    case 'ready':
      return { ...s, device: sanitizeLine(s.device) };
    case 'unavailable':
    case 'disabled':
      return { ...s, reason: sanitizeText(s.reason) };
    default:
      return s;
  }
}

function cleanRequest(r: ConfirmRequest): ConfirmRequest {
  const out: ConfirmRequest = { ...r, title: sanitizeLine(r.title) };
  if (r.detail !== undefined) out.detail = sanitizeText(r.detail);
  return out;
}

/** `clean` when it differs from `orig` in any own field, else `orig` (keeps identity for views). */
function keep<T extends object>(orig: T, clean: T): T {
  const a = orig as Record<string, unknown>;
  const b = clean as Record<string, unknown>;
  for (const k of Object.keys(b)) if (a[k] !== b[k]) return clean;
  return orig;
}

/** `action` with every outside string in it cleaned for the screen; the same object when clean. */
export function cleanAction(action: Action): Action {
  return keep(action, cleaned(action));
}

function cleaned(action: Action): Action {
  switch (action.type) {
    case 'tasks/reset':
      return { ...action, tasks: action.tasks.map(cleanTask) };
    case 'requests/set':
      return {
        ...action,
        requests: action.requests.map((r) => ({
          ...r,
          reason: sanitizeLine(r.reason),
          detail: sanitizeText(r.detail),
          options: r.options.map(sanitizeLine),
        })),
      };
    case 'task/upsert': {
      const task = cleanTask(action.task);
      return task === action.task ? action : { ...action, task };
    }
    case 'task/output': {
      const entries = cleanEntries(action.entries);
      return entries === action.entries ? action : { ...action, entries };
    }
    case 'tail/loaded': {
      const entries = cleanEntries(action.page.entries);
      return entries === action.page.entries ? action : { ...action, page: { ...action.page, entries } };
    }
    case 'transcript/upsert': {
      const entry = cleanTranscript(action.entry);
      return entry === action.entry ? action : { ...action, entry };
    }
    case 'activity/add':
    case 'notice/add':
      return { ...action, text: screenText(action.text) };
    case 'tail/load-failed':
      return { ...action, error: sanitizeLine(action.error) };
    case 'connection':
      return { ...action, state: keep(action.state, cleanConnection(action.state)) };
    case 'ptt/mode': {
      const mode = { ...action.mode, key: sanitizeLine(action.mode.key) };
      if (action.mode.reason !== undefined) mode.reason = sanitizeText(action.mode.reason);
      return { ...action, mode: keep(action.mode, mode) };
    }
    case 'audio/input':
    case 'audio/output':
      return { ...action, status: keep(action.status, cleanAudio(action.status)) };
    case 'form/open': {
      const form = { ...action.form, title: sanitizeLine(action.form.title) };
      if (action.form.detail !== undefined) form.detail = sanitizeText(action.form.detail);
      return { ...action, form: keep(action.form, form) };
    }
    case 'form/projects': {
      // Completions become the typed value: a name that would need cleaning is left out, not changed.
      // So is a start folder that would (and with it the `.` that stands for it).
      const { startDir, ...rest } = action;
      const dirOk = startDir !== undefined && sanitizeLine(startDir) === startDir;
      const projects = action.projects.filter((p) => sanitizeLine(p) === p && (p !== '.' || dirOk));
      return { ...rest, projects, ...(dirOk ? { startDir } : {}) };
    }
    case 'form/error':
      return { ...action, error: sanitizeText(action.error) };
    case 'confirm/open':
      return { ...action, request: keep(action.request, cleanRequest(action.request)) };
    default:
      return action;
  }
}
