/**
 * Assistant audio on one socket: which items are assistant speech, how much of each arrived (a
 * truncate may not cut past it), which responses and items were dropped by a barge-in (their late
 * deltas are ignored), and how much of an item the user heard.
 */
import { BYTES_PER_MS } from '../../audio/types.js';

/** Where to cut an item the user interrupted, and how much of its transcript to keep. */
export interface HeardCut {
  itemId: string;
  /** `audio_end_ms` of the truncate. */
  heardMs: number;
  /** Heard fraction of what arrived (1 = all of it); null when less than a millisecond arrived. */
  ratio: number | null;
}

/** Per-socket accounting of assistant audio; item and response ids die with the socket. */
export class AssistantAudio {
  private readonly receivedBytes = new Map<string, number>();
  private readonly assistantItems = new Set<string>();
  private readonly droppedResponses = new Set<string>();
  private readonly droppedItems = new Set<string>();
  private readonly itemResponse = new Map<string, string>();
  private lastAudioItem: string | null = null;

  /** `response.output_item.added`: an assistant message belongs to `responseId`. */
  itemAdded(responseId: string, itemId: string, assistantMessage: boolean): void {
    if (!itemId) return;
    if (responseId) this.itemResponse.set(itemId, responseId);
    if (assistantMessage) {
      this.assistantItems.add(itemId);
      if (this.droppedResponses.has(responseId)) this.droppedItems.add(itemId);
    }
  }

  /** Audio arrived for an item (registering it when its `output_item.added` was missed). */
  audioReceived(responseId: string, itemId: string, bytes: number): void {
    const received = this.receivedBytes.get(itemId);
    if (received === undefined) {
      this.assistantItems.add(itemId);
      if (responseId) this.itemResponse.set(itemId, responseId);
    }
    this.receivedBytes.set(itemId, (received ?? 0) + bytes);
    this.lastAudioItem = itemId;
  }

  /** Whether deltas of this response or item are to be ignored (barged in). */
  isDropped(responseId: string, itemId: string): boolean {
    return (!!responseId && this.droppedResponses.has(responseId)) || this.droppedItems.has(itemId);
  }

  /** Whether the response was cancelled by a barge-in. */
  responseDropped(responseId: string): boolean {
    return this.droppedResponses.has(responseId);
  }

  /** A barge-in cancels `responseId`: drop it, and the item streaming from it. */
  dropResponse(responseId: string): void {
    this.droppedResponses.add(responseId);
    const streaming = this.lastAudioItem;
    if (streaming && this.itemResponse.get(streaming) === responseId) this.droppedItems.add(streaming);
  }

  /** A response cancelled as soon as it was created (the barge-in came while it was creating). */
  dropCreated(responseId: string): void {
    this.droppedResponses.add(responseId);
  }

  /** `response.done`: forget the response's dropped mark (its items stay dropped). */
  responseDone(responseId: string): void {
    this.droppedResponses.delete(responseId);
  }

  /** Assistant items seen on this socket (to close their transcript entries when it is lost). */
  items(): Iterable<string> {
    return this.assistantItems;
  }

  /**
   * Where to cut the item the player was playing when the user interrupted; null when it is not
   * an assistant item of this socket or no audio of it arrived. Marks the item dropped.
   */
  cut(itemId: string | null, playedMs: number): HeardCut | null {
    if (!itemId || !this.assistantItems.has(itemId)) return null;
    const receivedBytes = this.receivedBytes.get(itemId) ?? 0;
    if (receivedBytes === 0) return null;
    const receivedMs = Math.floor(receivedBytes / BYTES_PER_MS);
    const heardMs = Math.max(0, Math.min(Math.floor(Number.isFinite(playedMs) ? playedMs : 0), receivedMs));
    this.droppedItems.add(itemId);
    return { itemId, heardMs, ratio: receivedMs > 0 ? heardMs / receivedMs : null };
  }
}
