/**
 * Barge-in: the user talks or types over the assistant. Local playback stops at once,
 * `response.cancel` goes out only while a response is active (or as soon as a creating one is
 * created), and the item being played is truncated to what was heard, so the model's context
 * holds only words the user heard.
 */
import type { AudioOutputPort } from '../../audio/types.js';
import type { Conn } from './connection.js';
import type { EngineCore } from './engine-core.js';

/**
 * Stops the assistant on `conn` (the ready socket, or null). Resolves once the truncate went out
 * (never rejects); null when nothing was audible, creating or active.
 */
export function bargeIn(core: EngineCore, conn: Conn | null): Promise<void> | null {
  const playing = core.playing();
  const slot = conn?.gate.state();
  const active = conn?.gate.activeResponseId() ?? null;
  if (!playing && !active && slot?.kind !== 'creating') return null;
  if (conn && active) {
    conn.audio.dropResponse(active);
    core.send(conn, { type: 'response.cancel', event_id: core.nextId('cancel'), response_id: active });
  } else if (conn && slot?.kind === 'creating') {
    conn.cancelOnCreate = true;
  }
  core.setSpeaking(false);
  let stopping: ReturnType<AudioOutputPort['stop']>;
  try {
    stopping = core.audio.stop();
  } catch (err) {
    stopping = Promise.reject(err);
  }
  return stopping.then(
    (stopped) => core.guard(() => truncateHeard(core, conn, stopped.itemId, stopped.playedMs)),
    (err: unknown) => core.fireError(err),
  );
}

/** Truncates the item the player was playing to what was heard (nothing playing: nothing to cut). */
function truncateHeard(core: EngineCore, conn: Conn | null, id: string | null, playedMs: number): void {
  if (!core.conns.isCurrent(conn)) return;
  const cut = conn.audio.cut(id, playedMs);
  if (!cut) return;
  core.send(conn, {
    type: 'conversation.item.truncate',
    event_id: core.nextId('trunc'),
    item_id: cut.itemId,
    content_index: 0,
    audio_end_ms: cut.heardMs,
  });
  // Keep locally only the part of the transcript that was heard (the server drops its copy).
  const entry = core.transcript.get(cut.itemId);
  if (entry && cut.ratio !== null) {
    const keep =
      cut.ratio >= 1 ? entry.text : `${entry.text.slice(0, Math.round(entry.text.length * cut.ratio)).trimEnd()} …`;
    core.transcript.upsert({ ...entry, text: keep, final: true });
  }
}
