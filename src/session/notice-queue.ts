/**
 * Task notices waiting for an idle moment, batched into one spoken announcement.
 */
import type { EarconKind } from '../audio/types.js';
import { DEFAULT_EARCON_BEFORE_NOTICE, DEFAULT_NOTICE_MODE } from '../shared/settings-values.js';
import type { NoticeMode, TaskNotice } from './types.js';

/** Lower sorts first: a task waiting for the user, then failures and problems, then good news. */
const SEVERITY: Record<TaskNotice['kind'], number> = {
  request: -1,
  failed: 0,
  stalled: 1,
  attention: 2,
  cancelled: 3,
  finished: 4,
};

const COUNT_WORDS = ['No', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten'];

const KIND_VERB: Record<TaskNotice['kind'], string> = {
  failed: 'failed',
  stalled: 'stalled',
  attention: 'need attention',
  cancelled: 'were cancelled',
  finished: 'finished',
  request: 'need you',
};

/** Notices ordered failures first, then by time (stable). */
export function orderNotices(notices: readonly TaskNotice[]): TaskNotice[] {
  return notices
    .map((n, i) => ({ n, i }))
    .sort((a, b) => SEVERITY[a.n.kind] - SEVERITY[b.n.kind] || a.n.at - b.n.at || a.i - b.i)
    .map(({ n }) => n);
}

/**
 * The text of one announcement for a batch: a single notice as is, several as
 * "Two tasks finished: …" (or "Three task updates: …" for mixed kinds), failures first.
 */
export function formatNoticeBatch(notices: readonly TaskNotice[]): string {
  const ordered = orderNotices(notices);
  const first = ordered[0];
  if (!first) return '';
  if (ordered.length === 1) return first.text;
  const count = COUNT_WORDS[ordered.length] ?? String(ordered.length);
  const sameKind = ordered.every((n) => n.kind === first.kind);
  const head = sameKind ? `${count} tasks ${KIND_VERB[first.kind]}` : `${count} task updates`;
  return `${head}: ${ordered.map((n) => n.text.trim()).join(' ')}`;
}

/** The earcon that stands for a notice in chime mode. */
export function earconFor(kind: TaskNotice['kind']): EarconKind {
  if (kind === 'request') return 'request';
  if (kind === 'failed') return 'failed';
  if (kind === 'stalled' || kind === 'attention') return 'attention';
  return 'done';
}

/** How the queue words and sounds its notices. */
export interface NoticeQueueOptions {
  /**
   * The earcon of the batch's first notice (done, failed, attention) plays just before it is spoken
   * (`earconBeforeNotice` in config.json). A request's earcon already played when it arrived.
   */
  earconBeforeNotice?: boolean;
}

/** Pending notices plus the delivery mode. Pure: the session decides when a moment is idle. */
export class NoticeQueue {
  private pending: TaskNotice[] = [];
  private currentMode: NoticeMode;
  private readonly earconFirst: boolean;

  constructor(mode: NoticeMode = DEFAULT_NOTICE_MODE, opts: NoticeQueueOptions = {}) {
    this.currentMode = mode;
    this.earconFirst = opts.earconBeforeNotice ?? DEFAULT_EARCON_BEFORE_NOTICE;
  }

  mode(): NoticeMode {
    return this.currentMode;
  }

  /** Changing to chime/off drops what was waiting to be spoken. */
  setMode(mode: NoticeMode): void {
    this.currentMode = mode;
    if (mode !== 'speak') this.pending = [];
  }

  /**
   * Accept a notice. Returns what to do now: `queued` (speak later; a task waiting for a decision
   * also gets its earcon at once, so the user hears it before the next idle moment), `chime` with
   * the earcon to play, or `dropped` (mode off).
   */
  push(notice: TaskNotice): { action: 'queued' | 'chime' | 'dropped'; earcon?: EarconKind } {
    if (this.currentMode === 'off') return { action: 'dropped' };
    if (this.currentMode === 'chime') return { action: 'chime', earcon: earconFor(notice.kind) };
    this.pending.push(notice);
    return notice.kind === 'request' ? { action: 'queued', earcon: 'request' } : { action: 'queued' };
  }

  size(): number {
    return this.pending.length;
  }

  /**
   * Take every waiting notice as one batch (failures first), or null when empty. `earcon` is the
   * sound to play just before the batch is spoken (see {@link NoticeQueueOptions}).
   */
  takeBatch(): { notices: TaskNotice[]; text: string; earcon?: EarconKind } | null {
    if (this.pending.length === 0) return null;
    const notices = orderNotices(this.pending);
    this.pending = [];
    const lead = notices[0]?.kind;
    const earcon = this.earconFirst && lead !== undefined && lead !== 'request' ? earconFor(lead) : undefined;
    return { notices, text: formatNoticeBatch(notices), ...(earcon ? { earcon } : {}) };
  }

  /** Put a batch back (the socket went away before it could be delivered). */
  requeue(notices: readonly TaskNotice[]): void {
    this.pending = [...notices, ...this.pending];
  }
}
