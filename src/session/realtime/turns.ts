/**
 * Push-to-talk turns of the Realtime engine: press, audio, release or discard, mapped to
 * `input_audio_buffer` events on the ready socket. A release while connecting keeps the turn
 * (see user-turn.ts) and commits it once a session is ready.
 */
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import type { LatencyMarks } from '../latency-marks.js';
import type { Conn } from './connection.js';
import { UserTurn } from './user-turn.js';

/** What the turns need from the engine. */
export interface TurnHost {
  readonly latency: LatencyMarks;
  /** The ready socket (`conns.ready()`), or null while connecting. */
  readonly conns: { ready(): Conn | null };
  /** Voice is failed, disabled or closed: nothing will be sent. */
  offline(): boolean;
  send(conn: Conn, event: RealtimeClientEvent): boolean;
  nextId(prefix: string): string;
  fireInfo(message: string): void;
  /** Stop the assistant (push-to-talk down talks over it). */
  bargeIn(): void;
  /** Pause the response slot while talking, resume after. */
  holdResponses(): void;
  pump(): void;
  /** Just before a user turn is committed (board update, cost turn). */
  beforeUserTurn(conn: Conn): void;
}

/** The user's talking state and the turn being recorded. */
export class Turns {
  private talking = false;
  private turn: UserTurn | null = null;
  private capWarned = false;

  /** The commit's `onSent`, made once: a closure per commit sat in the talk-end window (bench:voice). */
  private readonly commitSent: () => void;

  constructor(private readonly host: TurnHost) {
    this.commitSent = () => host.latency.commitSent();
  }

  /** Whether the key is down. */
  isTalking(): boolean {
    return this.talking;
  }

  /** Whether a turn is being recorded or waits to be sent. */
  busy(): boolean {
    return this.talking || !!this.turn;
  }

  /** Push-to-talk down: barge-in, then start a turn (or continue one that waits for the connection). */
  start(): void {
    if (this.talking) return;
    this.talking = true;
    this.host.bargeIn();
    this.host.holdResponses();
    if (this.turn?.ended) {
      this.turn.ended = false;
      return;
    }
    this.turn = new UserTurn();
    this.capWarned = false;
  }

  /** Microphone audio while talking: kept, and sent at once when a session is ready. */
  append(pcm: Buffer): void {
    const turn = this.turn;
    if (!this.talking || !turn || pcm.length === 0) return;
    if (!turn.append(pcm)) {
      if (!this.capWarned) this.host.fireInfo('Turn too long; the rest of this recording is ignored.');
      this.capWarned = true;
      return;
    }
    this.flush();
  }

  /** Push-to-talk up: commit and ask for an answer, or clear when under 100 ms. */
  end(): void {
    const { host } = this;
    if (!this.talking) return;
    this.talking = false;
    const turn = this.turn;
    if (!turn) {
      host.holdResponses();
      return;
    }
    host.latency.talkEnded();
    if (!turn.committable()) {
      this.turn = null;
      const conn = host.conns.ready();
      if (conn && turn.sentOn(conn.gen)) host.send(conn, { type: 'input_audio_buffer.clear' });
      host.fireInfo('Too short, nothing sent (hold the key while you speak).');
      host.holdResponses();
      host.pump();
      return;
    }
    const conn = host.conns.ready();
    if (conn) {
      this.commit(conn, turn);
      host.holdResponses();
      return;
    }
    if (host.offline()) {
      this.turn = null;
      host.fireInfo('Voice is not connected; nothing was sent.');
      return;
    }
    turn.ended = true;
    host.fireInfo('Still connecting; your words will be sent when the connection is back.');
  }

  /** The user aborted the turn: drop what was appended. */
  discard(): void {
    const turn = this.turn;
    this.talking = false;
    this.turn = null;
    const conn = this.host.conns.ready();
    if (turn && conn && turn.sentOn(conn.gen)) this.host.send(conn, { type: 'input_audio_buffer.clear' });
    this.host.holdResponses();
    this.host.pump();
  }

  /** A session became ready: send the turn's audio, and commit it if the key was released meanwhile. */
  resume(conn: Conn): void {
    if (!this.turn) return;
    this.flush();
    if (this.turn?.ended && !this.talking) this.commit(conn, this.turn);
  }

  /** Socket `gen` is gone: the turn's audio goes out again on the next one. */
  lost(gen: number): void {
    this.turn?.lost(gen);
  }

  /** Voice failed for good: drop a released turn that waited. Returns whether there was one. */
  dropWaiting(): boolean {
    if (!this.turn?.ended) return false;
    this.turn = null;
    return true;
  }

  private flush(): void {
    const turn = this.turn;
    const conn = this.host.conns.ready();
    if (!turn || !conn) return;
    turn.flush(conn.gen, (chunk) =>
      this.host.send(conn, { type: 'input_audio_buffer.append', audio: chunk.toString('base64') }),
    );
  }

  private commit(conn: Conn, turn: UserTurn): void {
    // Audio goes out as it is appended; usually nothing is left to send here.
    if (!turn.allSentOn(conn.gen)) this.flush();
    if (!turn.allSentOn(conn.gen)) {
      turn.ended = true;
      return;
    }
    this.turn = null;
    this.host.beforeUserTurn(conn);
    this.host.send(conn, { type: 'input_audio_buffer.commit', event_id: this.host.nextId('commit') });
    conn.gate.request({ kind: 'user', onSent: this.commitSent });
  }
}
