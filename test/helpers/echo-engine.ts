/**
 * A trivial second VoiceEngine: always ready, answers a typed message by starting a task through
 * the tool host and saying the tool's result. Proves the composition, bindings, commands and views
 * need only the port.
 */
import { EventEmitter } from 'node:events';
import type { VoiceEngine, VoiceEngineEvents } from '../../src/session/voice-engine.js';
import type { ConnectionState, NoticeMode, TaskNotice, ToolHost } from '../../src/session/types.js';

export class EchoEngine extends EventEmitter<VoiceEngineEvents> implements VoiceEngine {
  readonly texts: string[] = [];
  readonly notices: TaskNotice[] = [];
  private mode: NoticeMode = 'speak';
  private connection: ConnectionState = { kind: 'closed' };
  private seq = 0;

  constructor(private readonly host: ToolHost) {
    super();
  }

  state(): ConnectionState {
    return this.connection;
  }

  start(): void {
    this.connection = { kind: 'ready', sessionId: 'echo', expiresAt: 0 };
    this.emit('state', this.connection);
  }

  talkStart(): void {}
  appendAudio(): void {}
  talkEnd(): void {
    this.emit('info', 'The echo engine does not listen.');
  }
  talkDiscard(): void {}

  sendText(text: string): void {
    this.texts.push(text);
    const at = Date.now();
    this.emit('transcript', { id: `u${++this.seq}`, role: 'user', text, final: true, at });
    const args = JSON.stringify({ name: 'notes', prompt: 'Write NOTES.md. scenario:write-file', project: 'api' });
    void this.host.callTool('spawn_task', args, `echo_${this.seq}`).then((result) => {
      this.emit('transcript', { id: `a${++this.seq}`, role: 'assistant', text: `Echo: ${result}`, final: true, at });
    });
  }

  notify(notice: TaskNotice): void {
    this.notices.push(notice);
  }

  setNoticeMode(mode: NoticeMode): void {
    this.mode = mode;
  }

  noticeMode(): NoticeMode {
    return this.mode;
  }

  async close(): Promise<void> {
    this.connection = { kind: 'closed' };
  }
}
