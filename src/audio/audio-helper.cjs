// Audio helper: owns naudiodon (PortAudio) in its own process. PortAudio prints to fd 1 from native
// code, which would tear the app's Ink frames; here fd 1 is a pipe the app drains.
//
// Protocol (IPC, serialization 'advanced'):
//   app → helper  {t:'configure', inputDevice?, outputDevice?, captureRate?, playbackRate?, chunkMs?, periodMs?, leadMs?,
//                  inputStream?: 'per-turn' | 'long-lived'}
//                 {t:'list', r} | {t:'capture', on, s} | {t:'play', itemId, pcm} | {t:'stop-playback', r}
//                 {t:'shutdown'}
//   helper → app  {t:'hello', devices} | {t:'fatal', reason}
//                 {t:'configured', input:{ok, device?, reason?}, output:{ok, device?, reason?}}
//                 {t:'devices', r, devices} | {t:'capture-open', s, device, rate} | {t:'capture-closed', s}
//                 {t:'chunk', s, pcm} | {t:'input-error', s, reason} | {t:'played', itemId, bytes}
//                 {t:'drained', n} | {t:'stopped', r, itemId, playedMs, flushedBytes} | {t:'output-error', reason}
'use strict';

const { PlaybackQueue } = require('./playback-queue.cjs');

const RATE = 24000;
const send = (m) => {
  try {
    if (process.connected) process.send(m);
  } catch {
    // parent gone; 'disconnect' ends the process
  }
};

if (!process.send) {
  console.error('audio-helper: must be started with an IPC channel (child_process.fork)');
  process.exit(2);
}

let pa;
try {
  pa = require('naudiodon');
} catch (err) {
  send({ t: 'fatal', reason: `audio library failed to load: ${firstLine(err)}` });
  setTimeout(() => process.exit(3), 50);
  return;
}

function firstLine(err) {
  return String((err && err.message) || err).split('\n')[0];
}

/** Turns PortAudio/ALSA errors into the reasons the status bar shows. */
function reasonOf(err) {
  const msg = firstLine(err);
  if (/^no audio device|^device busy/.test(msg)) return msg;
  if (/No default device|Invalid device|paNoDevice|no (input|output) device/i.test(msg))
    return `no audio device (${msg})`;
  if (/unavailable|busy|-9985/i.test(msg)) return `device busy (${msg})`;
  return msg;
}

function listDevices() {
  let apis = [];
  try {
    apis = pa.getHostAPIs().HostAPIs || [];
  } catch {
    apis = [];
  }
  return pa.getDevices().map((d) => ({
    id: d.id,
    name: d.name,
    maxInputChannels: d.maxInputChannels,
    maxOutputChannels: d.maxOutputChannels,
    defaultSampleRate: d.defaultSampleRate,
    hostApi: d.hostAPIName || (apis.find((a) => a.id === d.hostApi) || {}).name,
  }));
}

/** Picks a device by id or name (exact, then case-insensitive, then substring); default: "default". */
function chooseDevice(devices, want, dir) {
  const key = dir === 'input' ? 'maxInputChannels' : 'maxOutputChannels';
  const usable = devices.filter((d) => d[key] > 0);
  if (usable.length === 0) throw new Error(`no audio device: PortAudio lists no ${dir} device`);
  if (want === undefined || want === null || want === '') {
    let dflt = usable.find((d) => d.name === 'default');
    if (!dflt) {
      try {
        const h = pa.getHostAPIs();
        const api = h.HostAPIs.find((a) => a.id === h.defaultHostAPI);
        const id = api && (dir === 'input' ? api.defaultInput : api.defaultOutput);
        dflt = usable.find((d) => d.id === id);
      } catch {
        dflt = undefined;
      }
    }
    return dflt || usable[0];
  }
  const s = String(want).trim();
  if (/^\d+$/.test(s)) {
    const d = usable.find((x) => x.id === Number(s));
    if (d) return d;
  }
  const lower = s.toLowerCase();
  const d =
    usable.find((x) => x.name === s) ||
    usable.find((x) => x.name.toLowerCase() === lower) ||
    usable.find((x) => x.name.toLowerCase().includes(lower));
  if (!d)
    throw new Error(
      `no audio device: no ${dir} device matches "${s}" (have: ${usable.map((x) => `${x.id} ${x.name}`).join(', ')})`,
    );
  return d;
}

// ---- resampling (libsamplerate compiled to wasm) ----
let srcLib = null;
async function makeResampler(from, to) {
  srcLib = srcLib || require('@alexanderolsen/libsamplerate-js');
  const src = await srcLib.create(1, from, to, { converterType: srcLib.ConverterType.SRC_SINC_MEDIUM_QUALITY });
  return {
    /** PCM16 LE buffer in, PCM16 LE buffer out (streaming: keeps filter state across calls). */
    process(buf) {
      const n = buf.length >> 1;
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) f[i] = buf.readInt16LE(i * 2) / 32768;
      const out = src.full(f);
      const b = Buffer.alloc(out.length * 2);
      for (let i = 0; i < out.length; i++)
        b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(out[i] * 32768))), i * 2);
      return b;
    },
    destroy() {
      try {
        src.destroy();
      } catch {
        // already gone
      }
    },
  };
}

// ---- state ----
let cfg = { chunkMs: 20, periodMs: 5, leadMs: 30 };
let devices = [];
let inDev = null;
let outDev = null;

function configure(m) {
  cfg = {
    chunkMs: m.chunkMs || 20,
    periodMs: Math.min(m.periodMs || 5, m.chunkMs || 20),
    leadMs: m.leadMs == null ? 30 : m.leadMs,
    captureRate: m.captureRate,
    playbackRate: m.playbackRate,
    inputStream: m.inputStream === 'per-turn' ? 'per-turn' : 'long-lived',
  };
  queue = new PlaybackQueue({ bytesPerMs: RATE / 500, leadMs: cfg.leadMs, pieceBytes: Math.round(RATE / 200) * 2 });
  const res = { t: 'configured', input: { ok: false }, output: { ok: false } };
  try {
    devices = listDevices();
  } catch (err) {
    const reason = reasonOf(err);
    send({ ...res, input: { ok: false, reason }, output: { ok: false, reason } });
    return;
  }
  try {
    inDev = chooseDevice(devices, m.inputDevice, 'input');
    res.input = { ok: true, device: inDev.name, id: inDev.id };
  } catch (err) {
    inDev = null;
    res.input = { ok: false, reason: reasonOf(err) };
  }
  try {
    outDev = chooseDevice(devices, m.outputDevice, 'output');
    res.output = { ok: true, device: outDev.name, id: outDev.id };
  } catch (err) {
    outDev = null;
    res.output = { ok: false, reason: reasonOf(err) };
  }
  send(res);
  if (cfg.inputStream === 'long-lived' && inDev) {
    startCapture(0, false).catch((err) => send({ t: 'input-error', s: 0, reason: reasonOf(err) }));
  }
}

// ---- capture ----
// 'long-lived' (default): one stream stays open and is gated (audio read while push-to-talk is up is
// dropped here and never sent); no open cost per turn, and no lost start on slow-to-open devices.
// 'per-turn': the input stream is opened at start and closed at stop, so nothing is read while up.
let capture = null; // { s, ai, rate, resampler, rest, active, stopped }

/**
 * Opens a stream at `want` (or 24 kHz), else at the device's own rate with a resampler between it
 * and 24 kHz (`toDevice`: 24 kHz → device rate for playback; otherwise device rate → 24 kHz).
 * `build(rate)` creates the stream; the first rate that works wins.
 */
async function openAtSomeRate(dev, want, toDevice, build) {
  const rates = [...new Set([want || RATE, Math.round(dev.defaultSampleRate) || RATE])];
  let lastErr = null;
  for (const rate of rates) {
    let resampler = null;
    try {
      if (rate !== RATE) resampler = toDevice ? await makeResampler(RATE, rate) : await makeResampler(rate, RATE);
      return { ...build(rate), rate, resampler };
    } catch (err) {
      lastErr = err;
      if (resampler) resampler.destroy();
    }
  }
  throw lastErr;
}

function openInput() {
  return openAtSomeRate(inDev, cfg.captureRate, false, (rate) => {
    const frames = Math.round((rate * cfg.chunkMs) / 1000);
    // A PortAudio period shorter than the chunk lets a chunk leave as soon as its last sample is in
    // (20 ms periods: p99 chunk latency 40–53 ms under PulseAudio; 5 ms periods: ~28 ms).
    const period = Math.round((rate * cfg.periodMs) / 1000);
    const ai = new pa.AudioIO({
      inOptions: {
        channelCount: 1,
        sampleFormat: pa.SampleFormat16Bit,
        sampleRate: rate,
        deviceId: inDev.id,
        closeOnError: false,
        framesPerBuffer: period,
        highwaterMark: frames * 2,
        maxQueue: Math.max(4, Math.ceil((2 * cfg.chunkMs) / cfg.periodMs)),
      },
    });
    return { ai };
  });
}

async function startCapture(s, gateOpen = true) {
  if (capture && capture.active) stopCapture();
  if (!inDev) {
    send({ t: 'input-error', s, reason: 'no audio device' });
    return;
  }
  if (capture && !capture.stopped) {
    // long-lived stream (open, or still opening): just open the gate
    capture.s = s;
    capture.rest = Buffer.alloc(0);
    capture.active = true;
    if (capture.ai) send({ t: 'capture-open', s, device: inDev.name, rate: capture.rate });
    return;
  }
  const cur = { s, ai: null, rate: RATE, resampler: null, rest: Buffer.alloc(0), active: gateOpen, stopped: false };
  capture = cur;
  let opened;
  try {
    opened = await openInput();
  } catch (err) {
    if (capture === cur) capture = null;
    send({ t: 'input-error', s, reason: reasonOf(err) });
    return;
  }
  Object.assign(cur, opened);
  if (cur.stopped || capture !== cur) {
    closeInput(cur);
    return;
  }
  const chunkBytes = Math.round((RATE * cfg.chunkMs) / 1000) * 2;
  const bytesPerMs = (cur.rate * 2) / 1000;
  cur.openedAt = performance.now();
  cur.readBytes = 0;
  cur.ai.on('data', (buf) => {
    if (cur.stopped) return; // quit() is asynchronous and data keeps coming until it completes
    if (cfg.inputStream === 'long-lived' && !unpacedChecked(cur, buf.length, bytesPerMs)) return;
    if (!cur.active) return; // gate closed: dropped, never sent
    const pcm = cur.resampler ? cur.resampler.process(buf) : buf;
    let all = cur.rest.length ? Buffer.concat([cur.rest, pcm]) : pcm;
    while (all.length >= chunkBytes) {
      send({ t: 'chunk', s: cur.s, pcm: all.subarray(0, chunkBytes) });
      all = all.subarray(chunkBytes);
    }
    cur.rest = all; // neither naudiodon nor the resampler reuses its buffers: no copy needed
  });
  cur.ai.on('error', (err) => send({ t: 'input-error', s: cur.s, reason: reasonOf(err) }));
  try {
    cur.ai.start();
  } catch (err) {
    if (capture === cur) capture = null;
    cur.stopped = true;
    send({ t: 'input-error', s, reason: reasonOf(err) });
    return;
  }
  if (cur.active) send({ t: 'capture-open', s: cur.s, device: inDev.name, rate: cur.rate });
}

/**
 * A long-lived stream on a device that is not paced in real time (ALSA file/null devices in tests)
 * would spin a core reading while the gate is closed: detect it in the first second and fall back
 * to per-turn streams. Returns false when this stream was just closed.
 */
function unpacedChecked(cur, n, bytesPerMs) {
  if (cur.paced) return true;
  cur.readBytes += n;
  const elapsed = performance.now() - cur.openedAt;
  if (cur.readBytes / bytesPerMs > elapsed * 3 + 200) {
    console.error('audio-helper: input is not paced in real time (file or null device): using per-turn input streams');
    cfg.inputStream = 'per-turn';
    if (!cur.active) {
      if (capture === cur) capture = null;
      closeInput(cur);
      return false;
    }
    return true;
  }
  if (elapsed > 1000) cur.paced = true;
  return true;
}

function stopCapture() {
  const cur = capture;
  if (!cur || !cur.active) return;
  cur.active = false;
  if (cur.rest.length >= 2)
    send({ t: 'chunk', s: cur.s, pcm: cur.rest.subarray(0, cur.rest.length - (cur.rest.length & 1)) });
  cur.rest = Buffer.alloc(0);
  if (cfg.inputStream === 'long-lived' && !cur.stopped) {
    send({ t: 'capture-closed', s: cur.s });
    return;
  }
  capture = null;
  closeInput(cur);
}

function closeInput(cur) {
  cur.stopped = true;
  cur.active = false;
  const done = () => {
    if (cur.resampler) cur.resampler.destroy();
    send({ t: 'capture-closed', s: cur.s });
  };
  if (cur.ai) cur.ai.quit(done);
  else done();
}

// ---- playback: one long-lived output stream, fed at most leadMs ahead of real time ----
let queue = new PlaybackQueue({ bytesPerMs: RATE / 500, leadMs: cfg.leadMs });
let out = null; // { ao, resampler }
let writing = false;
let timer = null;
let wasPlaying = false;
let plays = 0; // 'play' messages received: lets the app ignore a 'drained' that crossed a newer play

async function openOutput() {
  if (!outDev) throw new Error('no audio device');
  return openAtSomeRate(outDev, cfg.playbackRate, true, (rate) => {
    const ao = new pa.AudioIO({
      outOptions: {
        channelCount: 1,
        sampleFormat: pa.SampleFormat16Bit,
        sampleRate: rate,
        deviceId: outDev.id,
        closeOnError: false,
        // 10 ms periods: PortAudio's ALSA buffer is about two periods (these devices report 0
        // default latency). The native queue holds up to 4 pieces of 5 ms: that is the cushion
        // against helper stalls, and also what still plays after a barge-in stop.
        framesPerBuffer: Math.round(rate / 100),
        maxQueue: 4,
      },
    });
    ao.on('error', (err) => send({ t: 'output-error', reason: reasonOf(err) }));
    ao.start();
    return { ao };
  });
}

let opening = null;
function pump() {
  if (timer) {
    clearTimeout(timer);
    timer = null;
  }
  if (writing || opening) return;
  const now = performance.now();
  if (!out && queue.pending() > 0) {
    opening = openOutput().then(
      (o) => {
        out = o;
        opening = null;
        pump();
      },
      (err) => {
        opening = null;
        queue.flush();
        wasPlaying = false;
        send({ t: 'output-error', reason: reasonOf(err) });
        send({ t: 'drained', n: plays });
      },
    );
    return;
  }
  const piece = queue.next(now);
  if (piece) {
    wasPlaying = true;
    writing = true;
    // piece.pcm views the buffer of an IPC message, which nothing modifies: written without a copy
    const data = out.resampler ? out.resampler.process(piece.pcm) : piece.pcm;
    out.ao.write(data, () => {
      writing = false;
      pump();
    });
    if (piece.itemId !== null) send({ t: 'played', itemId: piece.itemId, bytes: queue.handedBytes(piece.itemId) });
    return;
  }
  const wait = queue.waitMs(now);
  if (Number.isFinite(wait)) {
    timer = setTimeout(pump, Math.max(1, Math.ceil(wait)));
  } else if (wasPlaying) {
    const ahead = queue.aheadMs(now);
    if (ahead > 0) timer = setTimeout(pump, Math.max(1, Math.ceil(ahead)));
    else {
      wasPlaying = false;
      send({ t: 'drained', n: plays });
    }
  }
}

function stopPlayback(r) {
  const res = queue.flush();
  wasPlaying = false;
  if (timer) clearTimeout(timer);
  timer = null;
  send({ t: 'stopped', r, itemId: res.itemId, playedMs: res.playedMs, flushedBytes: res.flushedBytes });
}

let shuttingDown = false;
function shutdown() {
  // 'shutdown' and then 'disconnect' both land here; a second pass would exit before ao.quit() is done
  if (shuttingDown) return;
  shuttingDown = true;
  stopCapture();
  if (capture) closeInput(capture);
  capture = null;
  queue.flush();
  const o = out;
  out = null;
  const bye = setTimeout(() => process.exit(0), 1500);
  if (o)
    o.ao.quit(() => {
      clearTimeout(bye);
      process.exit(0);
    });
  else setTimeout(() => process.exit(0), 30);
}

process.on('message', (m) => {
  try {
    switch (m && m.t) {
      case 'configure':
        configure(m);
        break;
      case 'list':
        send({ t: 'devices', r: m.r, devices: listDevices() });
        break;
      case 'capture':
        if (m.on) startCapture(m.s).catch((err) => send({ t: 'input-error', s: m.s, reason: reasonOf(err) }));
        else if (capture && capture.s === m.s) stopCapture();
        break;
      case 'play': {
        const pcm = Buffer.from(m.pcm.buffer, m.pcm.byteOffset, m.pcm.byteLength);
        plays++;
        queue.enqueue(m.itemId === undefined ? null : m.itemId, pcm);
        pump();
        break;
      }
      case 'stop-playback':
        stopPlayback(m.r);
        break;
      case 'shutdown':
        shutdown();
        break;
      default:
        break;
    }
  } catch (err) {
    send({ t: 'error', reason: firstLine(err) });
  }
});
process.on('disconnect', () => shutdown());

try {
  devices = listDevices();
  send({ t: 'hello', devices });
} catch (err) {
  send({ t: 'fatal', reason: reasonOf(err) });
  setTimeout(() => process.exit(3), 50);
}
