// A stand-in for the app process: uses the audio service and push-to-talk like the app does, and
// writes only its own result line to stdout. Run by no-terminal-chatter.test.ts.
import { AudioService } from '../../src/audio/audio-service.js';
import { PushToTalk } from '../../src/input/push-to-talk.js';

const audio = new AudioService({ inputStream: 'per-turn' });
const ptt = new PushToTalk({ readyTimeoutMs: 3000 });
await audio.ready();
let captured = 0;
await new Promise<void>((resolve) => {
  audio.input.on('chunk', (pcm) => {
    captured += pcm.length;
    if (captured >= 48_000) {
      audio.input.stop();
      resolve();
    }
  });
  audio.input.start();
});
const drained = new Promise<void>((r) => audio.output.once('drained', () => r()));
audio.output.play('item', Buffer.alloc(4800, 1));
audio.output.earcon('done');
await drained;
const mode = await ptt.started();
const diagnostics = audio.diagnostics();
await Promise.all([audio.close(), ptt.close()]);
process.stdout.write(
  `APP-RESULT ${JSON.stringify({ captured, mode, portAudioLinesInHelperPipe: diagnostics.filter((l) => l.includes('PortAudio')).length })}\n`,
);
