// Hotkey helper: owns uiohook-napi (libuiohook over X11 RECORD) in its own process, because without a
// reachable X display uiohook aborts the whole process (SIGABRT), which nothing can catch.
// argv[2]: comma-separated uiohook keycodes to report. Only those keys are forwarded, so the app
// never receives the user's other keystrokes.
// Messages to the parent: {t:'ready'} | {t:'down'|'up', keycode, time, lagMs} | {t:'fatal', reason}.
'use strict';

if (!process.send) {
  console.error('hotkey-helper: must be started with an IPC channel (child_process.fork)');
  process.exit(2);
}
if (!process.env.DISPLAY) {
  process.send({ t: 'fatal', reason: 'no display' }, () => process.exit(3));
} else {
  const keycodes = new Set(
    String(process.argv[2] || '')
      .split(',')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0),
  );
  const { uIOhook } = require('uiohook-napi');
  const nowMs = () => Number(process.hrtime.bigint() / 1000n) / 1000;
  // X server time is CLOCK_MONOTONIC in ms on a local Xorg/Xvfb; a remote server's clock is not, so
  // an implausible difference is reported as 0 lag.
  const lag = (time) => {
    const d = nowMs() - time;
    return d >= 0 && d < 5000 ? d : 0;
  };
  const forward = (t) => (e) => {
    if (!keycodes.has(e.keycode)) return;
    try {
      process.send({ t, keycode: e.keycode, time: e.time, lagMs: lag(e.time) });
    } catch {
      // the parent is gone: 'disconnect' ends this process
    }
  };
  uIOhook.on('keydown', forward('down'));
  uIOhook.on('keyup', forward('up'));
  process.on('disconnect', () => {
    try {
      uIOhook.stop();
    } finally {
      process.exit(0);
    }
  });
  uIOhook.start();
  process.send({ t: 'ready' });
}
