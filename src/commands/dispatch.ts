/**
 * The one path every command takes, from a key or from the voice assistant:
 * validate (zod) → disabled? → confirm? (keys only) → run → activity line.
 */
import { projectChoices } from './project-choices.js';
import { errorText } from '../shared/errors.js';
import { z } from 'zod';
import type { FormKey } from '../state/actions.js';
import type { KeyArrival } from '../state/types.js';
import { createForm, formArgs } from './forms.js';
import { formUnavailable } from './keymap.js';
import { commands, findCommand } from './registry.js';
import { commandFailed, invalidArguments, notSent, unavailable, unknownCommand } from './wording/refusals.js';
import { oneLine } from './wording/speech.js';
import type { AnyCommandSpec, CommandContext, CommandId, CommandResult, CommandSource, RunContext } from './types.js';

const anyArgs = z.object({}).passthrough();

/** The zod schema args of `spec` are checked with on the given path. */
function schemaOf(spec: AnyCommandSpec<string>, source: CommandSource): z.ZodType {
  if (source === 'voice' && spec.voice) return spec.voice.parameters;
  return spec.args ?? spec.voice?.parameters ?? anyArgs;
}

/** "name: name is required; project: project is required". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = i.path.join('.');
      return path && !i.message.startsWith(path) ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}

/** "3", "fix-login", "speak": the argument shown in an activity line. */
function argLabel(args: Record<string, unknown>, result: CommandResult): string {
  const data = result.data as { taskId?: unknown } | undefined;
  if (data && typeof data.taskId === 'number') return String(data.taskId);
  for (const k of ['task', 'name', 'mode', 'policy']) {
    const v = args[k];
    if (typeof v === 'string' || typeof v === 'number') return oneLine(String(v), 30);
  }
  return '';
}

/**
 * How long after the key that opened a confirm dialog no answer is taken. A person reads the
 * question before answering; a key that comes sooner is a paste or fast typing that ran on
 * ("quit yelling at me" once opened the cancel dialog with `q` and confirmed it with `y`).
 */
export const CONFIRM_GUARD_MS = 150;

/**
 * Whether a key that arrived at `key` may answer a dialog opened by the key at `opened`: never one
 * from the same terminal read, never one within {@link CONFIRM_GUARD_MS}. Both rules, because Ink
 * hands a read over either as one string or as several events (split around escape sequences):
 * the chunk rule holds whatever the clock says, the time rule whatever the chunking.
 */
export function confirmAccepts(opened: KeyArrival, key: KeyArrival): boolean {
  if (opened.chunk !== undefined && opened.chunk === key.chunk) return false;
  return key.at - opened.at >= CONFIRM_GUARD_MS;
}

interface Options {
  /** Skip the confirm step: the user already answered the dialog. */
  confirmed?: boolean;
  /** The caller shows a refusal itself (a form's inline error), so no notice for it. */
  inlineErrors?: boolean;
  /** The terminal read the key came in; a confirm dialog it opens remembers it. */
  chunk?: number;
}

async function execute(
  ctx: CommandContext,
  registry: readonly AnyCommandSpec<string>[],
  id: string,
  rawArgs: unknown,
  source: CommandSource,
  opts: Options = {},
): Promise<CommandResult> {
  const now = ctx.now ?? Date.now;
  const spec = findCommand(id, registry);
  if (!spec) return unknownCommand(id);

  const record = (args: Record<string, unknown>, result: CommandResult): CommandResult => {
    if (source === 'voice' || !spec.quiet) {
      const what = result.activity ?? result.notice ?? (result.say || (result.ok ? 'done' : 'failed'));
      ctx.store.dispatch({
        type: 'activity/add',
        at: now(),
        text: `${source} → ${id}(${argLabel(args, result)}): ${oneLine(what, 80)}`,
      });
    }
    const refusal = result.ok || opts.inlineErrors ? undefined : result.say;
    const notice = source === 'key' ? (result.notice ?? refusal) : result.notice;
    if (notice) {
      ctx.store.dispatch({
        type: 'notice/add',
        text: oneLine(notice, 120),
        level: result.ok ? 'success' : 'warning',
        at: now(),
      });
    }
    return result;
  };

  const raw = rawArgs ?? {};
  const parsed = schemaOf(spec, source).safeParse(raw);
  const argsForLine = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (!parsed.success) {
    const why = describeIssues(parsed.error);
    return record(argsForLine, invalidArguments(id, why));
  }
  const args = parsed.data as Record<string, unknown>;
  const state = ctx.store.getState();
  const reason = spec.disabledReason?.(state, args);
  if (reason) return record(args, unavailable(spec.title, reason));

  // By voice the user asked explicitly ("cancel the auth task"), so a second question would only
  // slow them down; the dialog guards against a stray key press.
  if (source === 'key' && !opts.confirmed && spec.confirm) {
    const request = spec.confirm(args as never, state);
    if (request) {
      const opened: KeyArrival = { at: now(), chunk: opts.chunk };
      ctx.store.dispatch({ type: 'confirm/open', commandId: id, args, request, opened });
      return { ok: true, say: request.title, data: { pending: true } };
    }
  }

  const runCtx: RunContext = { ...ctx, source, now };
  let result: CommandResult;
  try {
    result = await spec.run(runCtx, args as never);
  } catch (e) {
    result = commandFailed(spec.title, errorText(e));
  }
  return record(args, result);
}

/**
 * Runs one command by id from a key or voice path. Never throws. The id is looked up like the
 * args are parsed: a name the registry does not hold is refused as a value ("Unknown command").
 * Code that names a command uses {@link Dispatcher}, whose ids are typed.
 */
export function dispatchCommand(
  ctx: CommandContext,
  id: string,
  args: unknown,
  source: CommandSource,
  registry: readonly AnyCommandSpec<string>[] = commands,
): Promise<CommandResult> {
  return execute(ctx, registry, id, args, source).catch((e: unknown) => ({ ok: false, say: errorText(e) }));
}

/**
 * What the UI uses to act: commands by id, key presses, confirm answers and form editing. `Id` is
 * the union of its registry's ids ({@link CommandId} for the app's registry).
 */
export interface Dispatcher<Id extends string = CommandId> {
  readonly ctx: CommandContext;
  readonly registry: readonly AnyCommandSpec<Id>[];
  /** {@link dispatchCommand} bound to the context. */
  dispatch(id: Id, args: unknown, source: CommandSource): Promise<CommandResult>;
  /**
   * A key press for a command: args from the state; a form command opens its form, even when the
   * command is unavailable (the form says why and keeps what is typed, so text meant for it never
   * runs as keys); otherwise disabled → a notice with the reason; everything else dispatches with
   * source 'key'. `chunk` numbers the terminal read the key came in (see {@link KeyArrival}).
   */
  press(id: Id, chunk?: number): Promise<CommandResult>;
  /**
   * Answers the open confirm dialog with the choice bound to `key` (its own key or one of its
   * `alsoKeys`). Undefined when no choice has that key, or when the key came with or right after the one that opened the dialog
   * ({@link confirmAccepts}); the dialog then stays open.
   */
  answerConfirm(key: string, chunk?: number): Promise<CommandResult | undefined>;
  /** Edits the open form. */
  formKey(key: FormKey): void;
  /**
   * Submits the open form; a refusal stays in the form as an inline error with every value kept.
   * A form whose command is unavailable sends nothing ("Not sent: voice is off: …").
   */
  submitForm(): Promise<CommandResult | undefined>;
  /** Closes the overlay (form, help, confirm) without doing anything. */
  close(): void;
}

/** Binds the command layer to a context: the app's registry, or one a test builds. */
export function createDispatcher(ctx: CommandContext): Dispatcher;
export function createDispatcher<Id extends string>(
  ctx: CommandContext,
  registry: readonly AnyCommandSpec<Id>[],
): Dispatcher<Id>;
export function createDispatcher(
  ctx: CommandContext,
  registry: readonly AnyCommandSpec<string>[] = commands,
): Dispatcher<string> {
  const store = ctx.store;
  const now = ctx.now ?? Date.now;
  const dispatch = (id: string, args: unknown, source: CommandSource): Promise<CommandResult> =>
    dispatchCommand(ctx, id, args, source, registry);

  const pressKey = async (id: string, chunk: number | undefined): Promise<CommandResult> => {
    const spec = findCommand(id, registry);
    if (!spec) return unknownCommand(id);
    const state = store.getState();
    const args = spec.argsFromState?.(state) ?? {};
    const reason = spec.disabledReason?.(state, args);
    // A key that opens a text field opens it even when its command cannot run: what the person
    // types next is meant for the field, and would otherwise run as hotkeys.
    if (reason && !spec.form) {
      store.dispatch({ type: 'notice/add', text: `${spec.title}: ${reason}`, level: 'warning', at: now() });
      return { ok: false, say: reason };
    }
    if (spec.form) {
      store.dispatch({ type: 'form/open', form: createForm(spec.form, spec.id, state) });
      if (spec.form === 'new-task') {
        projectChoices(ctx).then(
          (choices) => store.dispatch({ type: 'form/projects', ...choices }),
          // Completion is a convenience; typing the name still works without it.
          () => undefined,
        );
      }
      return { ok: true, say: '', data: { form: spec.form } };
    }
    return execute(ctx, registry, id, args, 'key', { chunk });
  };

  return {
    ctx,
    registry,
    dispatch,
    async press(id, chunk) {
      try {
        return await pressKey(id, chunk);
      } catch (e) {
        // A key press must never become an unhandled rejection in the UI process.
        return { ok: false, say: errorText(e) };
      }
    },
    async answerConfirm(key, chunk) {
      const o = store.getState().overlay;
      if (o?.kind !== 'confirm') return undefined;
      if (!confirmAccepts(o.opened, { at: now(), chunk })) return undefined;
      const choice = o.request.choices.find((c) => c.key === key || c.alsoKeys?.includes(key));
      if (!choice) return undefined;
      store.dispatch({ type: 'overlay/close' });
      if (!choice.args) return { ok: true, say: 'Nothing done.' };
      return execute(ctx, registry, o.commandId, { ...o.args, ...choice.args }, 'key', { confirmed: true }).catch(
        (e: unknown) => ({ ok: false, say: errorText(e) }),
      );
    },
    formKey(key) {
      store.dispatch({ type: 'form/key', key });
    },
    async submitForm() {
      const o = store.getState().overlay;
      if (o?.kind !== 'form' || o.form.busy) return undefined;
      const form = o.form;
      // A pre-filled form is a confirm dialog: an Enter that ran on from the key that opened it is not an answer.
      if (form.opened && !confirmAccepts(form.opened, { at: now() })) return undefined;
      const blocked = formUnavailable(store.getState(), registry);
      if (blocked) {
        const say = notSent(blocked);
        store.dispatch({ type: 'form/error', error: say });
        return { ok: false, say };
      }
      store.dispatch({ type: 'form/busy', busy: true });
      const result = await execute(ctx, registry, form.commandId, formArgs(form), 'key', { inlineErrors: true }).catch(
        (e: unknown): CommandResult => ({ ok: false, say: errorText(e) }),
      );
      const still = store.getState().overlay;
      if (still?.kind !== 'form' || still.form.kind !== form.kind) return result;
      if (result.ok) store.dispatch({ type: 'form/remember' });
      if (result.ok) store.dispatch({ type: 'overlay/close' });
      else store.dispatch({ type: 'form/error', error: result.say });
      return result;
    },
    close() {
      store.dispatch({ type: 'overlay/close' });
    },
  };
}
