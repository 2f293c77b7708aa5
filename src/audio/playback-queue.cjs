// Playback queue with real-time pacing and per-item accounting. Pure (the clock is passed in), so it
// is shared by the audio helper and unit-tested directly.
//
// Why pacing: bytes handed to naudiodon cannot be taken back (its native queue has no flush), so a
// barge-in can only be as fast as the amount already handed over. The queue therefore hands audio
// to the device at most `leadMs` ahead of real time, on every backend (a file or null device would
// otherwise swallow everything at once).
'use strict';

class PlaybackQueue {
  /**
   * @param {{ bytesPerMs?: number, leadMs?: number, pieceBytes?: number, maxItems?: number }} [opts]
   */
  constructor(opts = {}) {
    this.bytesPerMs = opts.bytesPerMs || 48;
    this.leadBytes = Math.round((opts.leadMs == null ? 30 : opts.leadMs) * this.bytesPerMs);
    this.pieceBytes = opts.pieceBytes || 480;
    this.maxItems = opts.maxItems || 64;
    /** @type {{ itemId: string | null, buf: Buffer, off: number }[]} */
    this.queue = [];
    this.queuedBytes = 0;
    /** Bytes handed to the device per item id (insertion-ordered, oldest dropped beyond maxItems). */
    this.handed = new Map();
    this.lastItem = null;
    this.t0 = null; // clock origin of the current continuous run
    this.sent = 0; // bytes handed since t0
  }

  /** Queue PCM for an item (itemId null = earcon, not accounted). Odd trailing bytes are dropped. */
  enqueue(itemId, buf) {
    const len = buf.length - (buf.length & 1);
    if (len <= 0) return;
    this.queue.push({ itemId, buf: len === buf.length ? buf : buf.subarray(0, len), off: 0 });
    this.queuedBytes += len;
  }

  /** Bytes waiting in this queue (not yet handed to the device). */
  pending() {
    return this.queuedBytes;
  }

  /** Milliseconds of audio handed to the device and not yet due to have finished playing at `now`. */
  aheadMs(now) {
    if (this.t0 === null) return 0;
    return Math.max(0, this.sent / this.bytesPerMs - (now - this.t0));
  }

  /** True while audio is queued or the device is still playing what it was given. */
  isPlaying(now) {
    return this.queuedBytes > 0 || this.aheadMs(now) > 0;
  }

  /**
   * The next piece to hand to the device at `now`, or null (empty queue, or far enough ahead).
   * A piece never spans two items, so accounting stays exact.
   */
  next(now) {
    const head = this.queue[0];
    if (!head) return null;
    if (this.t0 === null || (now - this.t0) * this.bytesPerMs >= this.sent) {
      // the device ran dry (or never started): a new continuous run starts now
      this.t0 = now;
      this.sent = 0;
    }
    const allowance = Math.floor((now - this.t0) * this.bytesPerMs) + this.leadBytes - this.sent;
    const left = head.buf.length - head.off;
    let n = Math.min(this.pieceBytes, left, allowance);
    n -= n & 1;
    if (n < Math.min(this.pieceBytes, left)) return null; // wait for room for a whole piece
    const pcm = head.buf.subarray(head.off, head.off + n);
    head.off += n;
    if (head.off >= head.buf.length) this.queue.shift();
    this.queuedBytes -= n;
    this.sent += n;
    if (head.itemId !== null) {
      this.handed.set(head.itemId, (this.handed.get(head.itemId) || 0) + n);
      this.lastItem = head.itemId;
      if (this.handed.size > this.maxItems) this.handed.delete(this.handed.keys().next().value);
    }
    return { itemId: head.itemId, pcm };
  }

  /** Milliseconds until next() may return a piece (0 = now, Infinity = queue empty). */
  waitMs(now) {
    const head = this.queue[0];
    if (!head) return Infinity;
    if (this.t0 === null || (now - this.t0) * this.bytesPerMs >= this.sent) return 0;
    const need = Math.min(this.pieceBytes, head.buf.length - head.off);
    const allowance = (now - this.t0) * this.bytesPerMs + this.leadBytes - this.sent;
    return allowance >= need ? 0 : (need - allowance) / this.bytesPerMs;
  }

  /** Bytes of `itemId` handed to the device. */
  handedBytes(itemId) {
    return this.handed.get(itemId) || 0;
  }

  /** Milliseconds of `itemId` handed to the device. */
  playedMs(itemId) {
    return Math.round(this.handedBytes(itemId) / this.bytesPerMs);
  }

  /**
   * Barge-in: drop everything not yet handed to the device. Returns the item that was playing (the
   * queue's head, or else the last item handed audio) and its played milliseconds.
   */
  flush() {
    const head = this.queue[0];
    const itemId = head && head.itemId !== null ? head.itemId : this.lastItem;
    const flushedBytes = this.queuedBytes;
    this.queue = [];
    this.queuedBytes = 0;
    return { itemId, playedMs: itemId === null ? 0 : this.playedMs(itemId), flushedBytes };
  }
}

module.exports = { PlaybackQueue };
