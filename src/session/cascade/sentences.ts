/**
 * Splits streamed answer text into speakable pieces: each complete sentence leaves as soon as its
 * end arrives, so speech can start before the answer has finished; very short sentences are joined
 * (up to {@link JOIN_MAX} characters) so speech requests are not wasted on "Sure.".
 */

/** Longest piece made by joining short sentences. */
export const JOIN_MAX = 200;
/** A sentence shorter than this waits to be joined with the next one. */
const SHORT = 40;

/** Sentence end: . ! ? … followed by whitespace (so "3.5" and "e.g.x" do not split). */
const END = /[.!?…]+["')\]]*\s+/g;

/** Pure splitter over a growing text. */
export class SentenceSplitter {
  private buffer = '';
  private pending = '';

  /** Add a fragment; returns the pieces that are now complete. */
  push(fragment: string): string[] {
    this.buffer += fragment;
    const out: string[] = [];
    let cut = 0;
    END.lastIndex = 0;
    for (let m = END.exec(this.buffer); m; m = END.exec(this.buffer)) {
      const sentence = this.buffer.slice(cut, m.index + m[0].length).trim();
      cut = m.index + m[0].length;
      out.push(...this.take(sentence));
    }
    this.buffer = this.buffer.slice(cut);
    return out;
  }

  /** The stream ended: whatever is left, as one last piece (or none). */
  flush(): string[] {
    const rest = [this.pending, this.buffer.trim()].filter(Boolean).join(' ');
    this.pending = '';
    this.buffer = '';
    if (!rest) return [];
    return rest.length <= JOIN_MAX ? [rest] : splitLong(rest);
  }

  private take(sentence: string): string[] {
    if (!sentence) return [];
    const joined = this.pending ? `${this.pending} ${sentence}` : sentence;
    if (joined.length > JOIN_MAX && this.pending) {
      const held = this.pending;
      this.pending = '';
      return [held, ...this.take(sentence)];
    }
    if (joined.length < SHORT) {
      this.pending = joined;
      return [];
    }
    this.pending = '';
    return joined.length <= JOIN_MAX ? [joined] : splitLong(joined);
  }
}

/** Cuts text over JOIN_MAX at word boundaries. */
function splitLong(text: string): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > JOIN_MAX) {
    const at = rest.lastIndexOf(' ', JOIN_MAX);
    const cut = at > 0 ? at : JOIN_MAX;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}
