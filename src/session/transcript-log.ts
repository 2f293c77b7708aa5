/**
 * The local copy of the conversation. The server forgets everything when a socket drops, so
 * this is what a new session's context is rebuilt from. Final entries are appended as JSON lines
 * to a 0600 file when a path is given.
 */
import type { TranscriptEntry } from './types.js';
import { JsonlFile } from './jsonl-file.js';

/** A user or assistant turn for context replay. */
export interface ReplayTurn {
  role: 'user' | 'assistant';
  text: string;
}

const MAX_KEPT = 500;

/** Ordered transcript entries keyed by id; streaming entries are updated in place. */
export class TranscriptLog {
  private readonly entries = new Map<string, TranscriptEntry>();
  private readonly file: JsonlFile | null;

  /**
   * @param onEntry receives every new or changed entry (the same id again while streaming).
   * @param path JSON-lines file for final entries, or undefined.
   */
  constructor(
    private readonly onEntry: (e: TranscriptEntry) => void,
    path?: string,
    onError?: (err: Error) => void,
  ) {
    this.file = path ? new JsonlFile(path, onError) : null;
  }

  /** Add or replace an entry; re-emits it; logs it once it is final. */
  upsert(entry: TranscriptEntry): void {
    const prev = this.entries.get(entry.id);
    if (prev?.final && prev.text === entry.text && entry.final) return;
    // Keep the original position and time of a streaming entry.
    if (prev) this.entries.set(entry.id, { ...entry, at: prev.at });
    else this.entries.set(entry.id, entry);
    const stored = this.entries.get(entry.id) as TranscriptEntry;
    if (this.entries.size > MAX_KEPT) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined && oldest !== entry.id) this.entries.delete(oldest);
    }
    if (stored.final) this.file?.append(stored);
    this.onEntry({ ...stored });
  }

  /** Append a delta to a streaming entry (created when missing). */
  appendDelta(id: string, role: TranscriptEntry['role'], delta: string, at: number): void {
    const prev = this.entries.get(id);
    if (prev?.final) return;
    this.upsert({ id, role, text: (prev?.text ?? '') + delta, final: false, at });
  }

  /** Mark an entry final, optionally with its definitive text. */
  finalize(id: string, role: TranscriptEntry['role'], text: string | undefined, at: number): void {
    const prev = this.entries.get(id);
    if (prev?.final && (text === undefined || text === prev.text)) return;
    this.upsert({ id, role, text: text ?? prev?.text ?? '', final: true, at });
  }

  get(id: string): TranscriptEntry | undefined {
    const e = this.entries.get(id);
    return e ? { ...e } : undefined;
  }

  all(): TranscriptEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  /**
   * The most recent user/assistant turns, oldest first, bounded by count and total characters
   * (the newest turns win; a long one is cut from its start).
   */
  recentTurns(maxTurns = 12, maxChars = 4000): ReplayTurn[] {
    const out: ReplayTurn[] = [];
    let chars = 0;
    const list = [...this.entries.values()];
    for (let i = list.length - 1; i >= 0 && out.length < maxTurns && chars < maxChars; i--) {
      const e = list[i] as TranscriptEntry;
      if (e.role !== 'user' && e.role !== 'assistant') continue;
      let text = e.text.trim();
      if (!text) continue;
      const room = maxChars - chars;
      if (text.length > room) text = `…${text.slice(text.length - room + 1)}`;
      chars += text.length;
      out.push({ role: e.role, text });
    }
    return out.reverse();
  }

  close(): Promise<void> {
    return this.file?.close() ?? Promise.resolve();
  }
}
