// Renders the whole App against fake ports, with a terminal size the test chooses.
import { render } from 'ink-testing-library';
import { App } from '../../src/components/App.js';
import { createDispatcher } from '../../src/commands/dispatch.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import type { PttMode } from '../../src/input/types.js';
import type { ClipboardPort } from '../../src/shared/clipboard.js';
import type { ShutdownPolicy, TaskRecord } from '../../src/tasks/types.js';
import { FakePtt, FakeTasks, FakeVoice, T0 } from '../commands/fakes.js';

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  esc: '\u001B',
  tab: '\t',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  end: '\u001B[F',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

export const tick = (ms = 25) => new Promise((r) => setTimeout(r, ms));

export interface HarnessOptions {
  tasks?: TaskRecord[];
  columns?: number;
  rows?: number;
  ptt?: PttMode;
  voiceOff?: string;
  now?: number;
  /** A clock of the test's own; the default stands still until `later` moves it. */
  clock?: () => number;
  /** Where `y` copies to. */
  clipboard?: ClipboardPort;
  /** The folder `.` stands for in the new-task form, and the configured hosts. */
  startDir?: string;
  hosts?: Readonly<Record<string, { roots: readonly string[] }>>;
}

export async function mount(opts: HarnessOptions = {}) {
  const tasks = new FakeTasks(opts.tasks ?? []);
  const voice = new FakeVoice();
  const ptt = new FakePtt(opts.ptt ?? { kind: 'hold', key: 'Right Ctrl' });
  let time = opts.now ?? T0 + 65_000;
  const now = opts.clock ?? (() => time);
  /** Time passes between key presses (a confirm dialog refuses answers that come too soon). */
  const later = (ms: number) => {
    time += ms;
  };
  const store = createStore(
    reducer,
    createInitialState({ tasks: opts.tasks ?? [], model: 'gpt-realtime', pttMode: ptt.mode() }),
    { sync: true },
  );
  store.dispatch({
    type: 'connection',
    state: opts.voiceOff ? { kind: 'disabled', reason: opts.voiceOff } : voice.state(),
  });
  store.dispatch({ type: 'audio/input', status: { kind: 'ready', device: 'default' } });
  store.dispatch({ type: 'audio/output', status: { kind: 'ready', device: 'default' } });
  const quits: ShutdownPolicy[] = [];
  const commands = createDispatcher({
    tasks,
    voice: opts.voiceOff ? undefined : voice,
    store,
    ptt,
    quit: (p) => quits.push(p),
    now,
    ...(opts.clipboard ? { clipboard: opts.clipboard } : {}),
    ...(opts.startDir ? { startDir: opts.startDir } : {}),
    ...(opts.hosts ? { hosts: opts.hosts } : {}),
  });
  const r = render(<App store={store} commands={commands} now={now} tickMs={0} />);
  const setSize = (columns: number, rows: number) => {
    Object.defineProperty(r.stdout, 'columns', { configurable: true, get: () => columns });
    Object.defineProperty(r.stdout, 'rows', { configurable: true, get: () => rows });
    r.stdout.emit('resize');
  };
  setSize(opts.columns ?? 100, opts.rows ?? 30);
  await tick();
  const frame = () => r.lastFrame() ?? '';
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await tick();
    }
  };
  return { ...r, tasks, voice, ptt, store, commands, quits, frame, press, later, setSize };
}
