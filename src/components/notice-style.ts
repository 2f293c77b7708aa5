/**
 * How a notice looks: a mark and a colour by what it is about (failure, waiting for a decision,
 * finished, cancelled), else by its level. The notice line and the notice log share it.
 */
import type { Notice, NoticeKind } from '../state/types.js';

/** Mark and terminal colour of a notice. */
export interface NoticeStyle {
  mark: string;
  color: string;
}

const BY_KIND: Readonly<Record<NoticeKind, NoticeStyle>> = {
  failure: { mark: '✗', color: 'red' },
  waiting: { mark: '?', color: 'magenta' },
  finished: { mark: '✓', color: 'green' },
  cancelled: { mark: '⊘', color: 'gray' },
};

const BY_LEVEL: Readonly<Record<Notice['level'], NoticeStyle>> = {
  error: { mark: '✗', color: 'red' },
  warning: { mark: '!', color: 'yellow' },
  success: { mark: '✓', color: 'green' },
  info: { mark: 'ℹ', color: 'blue' },
};

/** The mark and colour of `n`. */
export function noticeStyle(n: Pick<Notice, 'level' | 'kind'>): NoticeStyle {
  return n.kind ? BY_KIND[n.kind] : BY_LEVEL[n.level];
}
