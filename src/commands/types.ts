/**
 * The one command layer: every action a user can take by key or by voice is one CommandSpec.
 * Key map, footer hints, help rows, Realtime tools and the model's tool list derive from them.
 */
import type { FollowUpQueue } from '../tasks/follow-up-queue.js';
import type { RequestDesk } from '../permissions/desk.js';
import type { z } from 'zod';
import type { VoiceEngine } from '../session/voice-engine.js';
import type { AppStore } from '../state/bind.js';
import type { AppState, ConfirmRequest, FormKind, Scope } from '../state/types.js';
import type { ClipboardPort } from '../shared/clipboard.js';
import type { OpenFolderPort } from '../shared/open-editor.js';
import type { ShutdownPolicy, TaskManagerPort } from '../tasks/types.js';
import type { CommandId } from './registry.js';

export type { CommandId };

/** Where a command came from. */
export type CommandSource = 'key' | 'voice';

/**
 * The outcome of a command, as a value (nothing throws across the boundary).
 * `say` is shaped for speech (the tool result); `notice` is a short line for the screen.
 */
export interface CommandResult {
  ok: boolean;
  say: string;
  notice?: string;
  data?: unknown;
  /** Short text for the activity line ("cancelled"); defaults to the notice or `say`. */
  activity?: string;
}

/** Names of keys as the key map uses them: 'n', 'enter', 'escape', 'up', 'pageup', 'ctrl+c', 'space', '?'. */
export type KeyName = string;

/** The terminal push-to-talk source as the UI feeds it (Ink-free: it only needs key names). */
export interface PttKeySink {
  key(name: 'space' | 'escape'): void;
}

/** What commands run against. Built once by the composition root. */
export interface CommandContext {
  tasks: TaskManagerPort;
  /** Absent when voice is disabled (no API key, --no-voice). */
  voice?: VoiceEngine;
  store: AppStore;
  /** The tap-toggle push-to-talk source, when it is the active mode. */
  ptt?: PttKeySink;
  /** Ends the app: the composition root shuts services down with this policy for live tasks. */
  quit(policy: ShutdownPolicy): void;
  /** Clock for activity lines and notices (tests pass a fixed one). */
  now?: () => number;
  /** Answers agents' permission requests (src/permissions/desk.ts). */
  requests?: RequestDesk;
  /** Follow-ups said while their task runs wait here for the end of the run. */
  followUps?: FollowUpQueue;
  /** Where `y` copies a result (OSC 52 to the terminal); absent = copying is unavailable. */
  clipboard?: ClipboardPort;
  /** Where `o` opens a task's folder ($VISUAL/$EDITOR); absent = the path is shown instead. */
  openFolder?: OpenFolderPort;
  /** The folder voice-orch was started in: `.` in the new-task form's project field (commands/project-choices.ts). */
  startDir?: string;
  /** Configured remote hosts and their roots, offered as `host:project` in the new-task form. */
  hosts?: Readonly<Record<string, { roots: readonly string[] }>>;
}

/** The context a command runs with: the shared context plus where the call came from. */
export interface RunContext extends CommandContext {
  source: CommandSource;
  now: () => number;
}

/**
 * One command. `A` is the parsed argument type; `Id` its literal id (the registry's ids form
 * {@link CommandId}).
 */
export interface CommandSpec<A = Record<string, unknown>, Id extends string = CommandId> {
  /** Stable id; equal to the voice tool name when there is one. */
  id: Id;
  /** Short label for footer hints ("cancel"). */
  title: string;
  /**
   * The key help: what it does, for the `?` overlay and the README key table (remarks about keys
   * belong here). The model never reads it; it reads `voice.modelDescription`.
   */
  description: string;
  /** Keys per scope. */
  keys?: Partial<Record<Scope, KeyName[]>>;
  /** Why there is no key (required when `voice` is set and `keys` is not). */
  noKeyReason?: string;
  /**
   * The Realtime tool; its `parameters` also validate key-path args unless `args` is given.
   * `modelDescription` is what the model reads (tool description, instructions): no key remarks.
   */
  voice?: { name: Id; modelDescription: string; parameters: z.ZodObject & z.ZodType<A> };
  /** Why there is no voice tool (required when `keys` is set and `voice` is not). */
  noVoiceReason?: string;
  /** Validation for args (key path, forms); defaults to `voice.parameters`, else any object. */
  args?: z.ZodType<A>;
  /** A key press opens this form instead of running at once; the form submits to this command. */
  form?: FormKind;
  /** How a key press fills args (e.g. the selected task). */
  argsFromState?(state: AppState): Record<string, unknown>;
  /** Why the command cannot run now; undefined when it can. */
  disabledReason?(state: AppState, args: Record<string, unknown>): string | undefined;
  /** Hide the footer hint while disabled (instead of showing it dimmed with the reason). */
  hideWhenDisabled?: boolean;
  /** A question to ask before a key press runs it; undefined = run at once. Not asked on the voice path. */
  confirm?(args: A, state: AppState): ConfirmRequest | undefined;
  run(ctx: RunContext, args: A): Promise<CommandResult>;
  /** Commands with the same group share one help row ("select", "scroll"). */
  helpGroup?: string;
  /** UI-only commands (selection, scrolling) leave no activity line. */
  quiet?: boolean;
}

/** A spec with its argument type erased, as the registry holds it. */
export type AnyCommandSpec<Id extends string = CommandId> = CommandSpec<never, Id>;
