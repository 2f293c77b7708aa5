/**
 * The one home of voice-orch's setting values: the enums a setting may take and the defaults it
 * has when nobody chose one. The config schema, the voice tool parameters, the command layer and
 * the voice engine all read them here, so a new mode is added in one place.
 */
import type { PermissionMode } from '../tasks/types.js';

/** Agent permission modes a task may run with. */
export const PERMISSION_MODES = [
  'acceptEdits',
  'auto',
  'bypassPermissions',
  'manual',
  'default',
  'dontAsk',
  'plan',
] as const satisfies readonly PermissionMode[];
/** Fails to compile when the task engine knows a permission mode this list lacks. */
export type EveryPermissionModeListed =
  Exclude<PermissionMode, (typeof PERMISSION_MODES)[number]> extends never ? true : never;
const everyPermissionModeListed: EveryPermissionModeListed = true;
void everyPermissionModeListed;
/** The permission mode of a task that names none. */
export const DEFAULT_PERMISSION_MODE = 'acceptEdits' satisfies PermissionMode;

/** The agent CLIs a task may run with by name (the `command` backend is chosen by configuring agentCommand). */
export const AGENT_KINDS = ['claude', 'codex', 'gemini'] as const;
/** One of {@link AGENT_KINDS}. */
export type AgentKind = (typeof AGENT_KINDS)[number];
/** Reasoning efforts a task may name (only codex takes one). */
export const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high', 'xhigh'] as const;

/** How finished or failed tasks are announced, in the order the `m` key cycles through them. */
export const NOTICE_MODES = ['speak', 'chime', 'off'] as const;
/** How notices are delivered: spoken by the assistant, an earcon only, or not at all. */
export type NoticeMode = (typeof NOTICE_MODES)[number];
/** How tasks are announced unless configured otherwise. */
export const DEFAULT_NOTICE_MODE = 'speak' satisfies NoticeMode;

/** What a new task in a directory another live task works in does: wait for it, or be refused. */
export const SAME_DIR_POLICIES = ['queue', 'refuse'] as const;
/** One of {@link SAME_DIR_POLICIES}. */
export type SameDirPolicy = (typeof SAME_DIR_POLICIES)[number];
export const DEFAULT_SAME_DIR_POLICY = 'queue' satisfies SameDirPolicy;

/**
 * Where a new task works: `auto` gives it a git worktree of its own when its repository already has
 * a live task in the main checkout (else it works in place); `worktree` always; `in_place` never.
 */
export const ISOLATION_MODES = ['auto', 'in_place', 'worktree'] as const;
/** One of {@link ISOLATION_MODES}. */
export type IsolationMode = (typeof ISOLATION_MODES)[number];
export const DEFAULT_ISOLATION = 'auto' satisfies IsolationMode;

/** How the microphone is opened: once and gated, or at each talk press. */
export const MIC_STREAM_MODES = ['long-lived', 'per-turn'] as const;
/** One of {@link MIC_STREAM_MODES}. */
export type MicStreamMode = (typeof MIC_STREAM_MODES)[number];
export const DEFAULT_MIC_STREAM = 'long-lived' satisfies MicStreamMode;

/** The Realtime endpoint (GA). */
export const DEFAULT_REALTIME_URL = 'wss://api.openai.com/v1/realtime';
/** The conversation model. */
export const DEFAULT_REALTIME_MODEL = 'gpt-realtime';
/** The assistant's voice. */
export const DEFAULT_VOICE = 'marin';

/** Whether a spoken task notice is led by its earcon (done, failed, attention) unless configured. */
export const DEFAULT_EARCON_BEFORE_NOTICE = true;
