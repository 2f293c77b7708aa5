/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { memo, useCallback, useEffect, useMemo, type ReactNode } from 'react';
import { Box, Text, useInput, useStdout, type Key } from 'ink';
import type { Dispatcher } from '../commands/dispatch.js';
import { handleKey } from '../commands/key-input.js';
import {
  buildKeymap,
  createChunkCounter,
  footerHints,
  formUnavailable,
  helpRows,
  unavailableNow,
  type KeyHint,
} from '../commands/keymap.js';
import type { AppStore } from '../state/bind.js';
import { scopeOf } from '../state/selectors.js';
import { needsAttention, summaryText, tableTasks, taskSummary } from '../state/task-order.js';
import { needsYouOf, requestOf, tasksNeedingYou } from '../state/request-selectors.js';
import { RequestPanel } from './RequestPanel.js';
import { DenyReasonForm } from './DenyReasonForm.js';
import { picksOf, scrollOf } from '../state/request-ui.js';
import { REQUEST_HELP_IDS } from '../commands/request-commands.js';
import { CommitMessageForm } from './CommitMessageForm.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { DiffView } from './DiffView.js';
import { AppContext, useApp, useNow, useTerminalSize, type AppContextValue } from './context.js';
import { useScreenState } from './screen-state.js';
import { FollowUpForm } from './FollowUpForm.js';
import { Footer } from './Footer.js';
import { HelpOverlay } from './HelpOverlay.js';
import { mainLayout } from './layout.js';
import { MessageInput } from './MessageInput.js';
import { NewTaskForm } from './NewTaskForm.js';
import { NoticeLog } from './NoticeLog.js';
import { Notices } from './Notices.js';
import { ResultCard } from './ResultCard.js';
import { StatusBar } from './StatusBar.js';
import { TailView } from './TailView.js';
import { TaskTable } from './TaskTable.js';
import { askHint } from './talk-status.js';
import { TranscriptPane } from './TranscriptPane.js';

/** Props of {@link App}. */
export interface AppProps {
  store: AppStore;
  /** The command layer bound to its context (`createDispatcher(ctx)`); its registry drives keys, hints and help. */
  commands: Dispatcher;
  /** Clock for elapsed times and countdowns (tests pass a fixed one). */
  now?: () => number;
  /** Spinner and clock refresh in ms (0 stops the animation, for tests). Default 120. */
  tickMs?: number;
  /**
   * Ask the terminal for bracketed paste, so pasted text arrives marked and a multi-line prompt
   * stays whole (commands/key-input.ts). Off by default: test renderers record every write as a frame.
   */
  bracketedPaste?: boolean;
}

const FORM_HINTS: KeyHint[] = [];

// Under load the store notifies ~30 times a second, mostly for task output; these views get
// the same state slices between such frames (the reducer keeps unchanged fields identical), so
// they skip re-rendering and re-wrapping their text.
const MemoStatusBar = memo(StatusBar);
const MemoTranscriptPane = memo(TranscriptPane);
const MemoNotices = memo(Notices);

function Screen({ tickMs }: { tickMs: number }) {
  const { columns, rows } = useTerminalSize();
  const s = useScreenState();
  const ctx = useApp();
  const tasks = tableTasks(s);
  const animate = tickMs > 0 && (tasks.some((t) => t.status === 'running') || s.connection.kind === 'reconnecting');
  const now = useNow(tickMs || 1000, animate, ctx.now);
  const frame = Math.floor(now / Math.max(1, tickMs || 120));
  const scope = scopeOf(s);
  // Overlays name their own way out in their title; the help overlay needs every line for its rows.
  const noFooter = scope === 'form' || scope === 'confirm' || scope === 'help' || scope === 'notices';
  const hints = noFooter ? FORM_HINTS : footerHints(s, scope, ctx.commands.registry);
  const help = useMemo(() => helpRows(ctx.commands.registry), [ctx.commands.registry]);

  const width = Math.max(20, columns);
  const noticeLines = Math.min(2, s.notices.length);
  const footerLines = hints.length ? 1 : 0;
  // Status bar (2), notices, footer, and one spare line so Ink never fills the screen (that clears it).
  const body = Math.max(4, rows - 2 - noticeLines - footerLines - 1);

  let main: ReactNode;
  const overlay = s.overlay;
  if (overlay?.kind === 'help') {
    main = (
      <HelpOverlay
        rows={s.requests.length ? help : help.filter((r) => !REQUEST_HELP_IDS.has(r.id))}
        width={width}
        height={body}
        row={overlay.row}
        unavailable={unavailableNow(s, ctx.commands.registry)}
      />
    );
  } else if (overlay?.kind === 'diff') {
    main = <DiffView {...overlay} width={width} height={body} />;
  } else if (overlay?.kind === 'notices') {
    main = <NoticeLog notices={s.noticeLog} height={body} />;
  } else if (overlay?.kind === 'confirm') {
    main = <ConfirmDialog request={overlay.request} width={Math.min(width, 72)} />;
  } else if (overlay?.kind === 'form') {
    const fw = Math.min(width, 100);
    const blocked = formUnavailable(s, ctx.commands.registry);
    main =
      overlay.form.kind === 'new-task' ? (
        <NewTaskForm form={overlay.form} width={fw} height={body} />
      ) : overlay.form.kind === 'deny-reason' ? (
        <DenyReasonForm form={overlay.form} request={requestOf(s, overlay.form.taskId)} width={fw} blocked={blocked} />
      ) : overlay.form.kind === 'follow-up' ? (
        <FollowUpForm form={overlay.form} width={fw} blocked={blocked} />
      ) : overlay.form.kind === 'commit-message' ? (
        <CommitMessageForm form={overlay.form} width={fw} blocked={blocked} />
      ) : (
        <MessageInput form={overlay.form} connection={s.connection} width={fw} blocked={blocked} />
      );
  } else if (s.view.kind === 'tail' && s.tasks[s.view.taskId]) {
    const v = s.view;
    main = (
      <TailView
        task={s.tasks[v.taskId]!}
        log={s.tailLog}
        filter={v.filter}
        scroll={v.scroll}
        follow={v.follow}
        search={v.search}
        width={width}
        height={body}
      />
    );
  } else if (s.view.kind === 'result' && s.tasks[s.view.taskId]) {
    main = <ResultCard task={s.tasks[s.view.taskId]!} now={now} width={width} height={body} scroll={s.view.scroll} />;
  } else {
    const selectedRequest = requestOf(s, s.selectedId);
    const pinned = tasks.filter((t) => needsAttention(t.status)).length;
    const lay = mainLayout(body, tasks.length, pinned);
    // A selected task that asks something shows its request where the conversation would be.
    const lower = lay.transcript || (selectedRequest ? Math.max(0, body - lay.table - (lay.summary ? 1 : 0) - 1) : 0);
    main = (
      <>
        {lay.summary ? (
          <Text dimColor wrap="truncate-end">
            {summaryText(taskSummary(s))}
          </Text>
        ) : null}
        <TaskTable
          tasks={tasks}
          selectedId={s.selectedId}
          width={width}
          height={lay.table}
          now={now}
          frame={frame}
          needsYou={needsYouOf(s.requests)}
          queued={s.followUpsQueued}
          ask={askHint(s.ptt.mode, s.connection)}
        />
        {lay.rule || selectedRequest ? <Text dimColor>{'─'.repeat(Math.max(0, width - 1))}</Text> : null}
        {selectedRequest && lower > 0 ? (
          <RequestPanel
            request={selectedRequest}
            width={width - 1}
            height={lower}
            picks={picksOf(s, selectedRequest.id)}
            scroll={scrollOf(s, selectedRequest.id)}
          />
        ) : lay.transcript ? (
          <MemoTranscriptPane entries={s.transcript} width={width - 1} height={lay.transcript} />
        ) : null}
      </>
    );
  }

  return (
    <Box flexDirection="column" width={width}>
      <MemoStatusBar
        connection={s.connection}
        model={s.model}
        ptt={s.ptt.mode}
        talking={s.ptt.talking}
        level={s.ptt.level}
        mic={s.audio.input}
        speaker={s.audio.output}
        speaking={s.speaking}
        cost={s.cost}
        latency={s.latency}
        noticeMode={s.noticeMode}
        needsYou={tasksNeedingYou(s)}
        now={now}
        width={width}
      />
      <Box flexDirection="column" height={body} overflow="hidden">
        {main}
      </Box>
      <MemoNotices notices={s.notices} max={noticeLines} />
      {hints.length ? <Footer hints={hints} width={width} /> : null}
    </Box>
  );
}

/**
 * The whole TUI. Reads the store through selectors and acts only through the command layer.
 * Render it with `exitOnCtrlC: false` so Ctrl+C reaches the quit command.
 */
export function App({ store, commands, now = Date.now, tickMs = 120, bracketedPaste = false }: AppProps) {
  const { stdout } = useStdout();
  useEffect(() => {
    if (!bracketedPaste) return undefined;
    stdout.write('\u001b[?2004h');
    return () => {
      stdout.write('\u001b[?2004l');
    };
  }, [bracketedPaste, stdout]);
  const value = useMemo<AppContextValue>(() => ({ store, commands, now }), [store, commands, now]);
  const keymap = useMemo(() => buildKeymap(commands.registry), [commands.registry]);
  const chunkOf = useMemo(() => createChunkCounter(), []);
  const onInput = useCallback(
    (input: string, key: Key) => {
      handleKey(commands, keymap, input, key, chunkOf());
      // A key is shown at once, not at the store's next batch (state/store.ts).
      store.flush();
    },
    [commands, keymap, chunkOf, store],
  );
  useInput(onInput);
  return (
    <AppContext.Provider value={value}>
      <Screen tickMs={tickMs} />
    </AppContext.Provider>
  );
}
