import { defineConfig } from 'vitest/config';

// Tests that measure real-time audio (a private PulseAudio paced by the clock) run last, alone:
// on a 2-core machine, other test files running beside them starve PulseAudio and it drops samples.
const REALTIME = ['test/audio/pulse.test.ts'];

export default defineConfig({
  test: {
    // Real subprocesses, sockets and tmux sessions: generous timeouts, limited parallelism (2 cores in CI).
    testTimeout: 30_000,
    hookTimeout: 90_000,
    maxWorkers: 2,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.{ts,tsx}'], exclude: REALTIME, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'realtime', include: REALTIME, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
