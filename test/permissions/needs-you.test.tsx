/**
 * The "needs you" state: the reasons voice-orch writes for requests, the table rows of waiting
 * tasks, and the store fed from a real broker.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestPanel } from '../../src/components/RequestPanel.js';
import { StatusBar } from '../../src/components/StatusBar.js';
import { TaskTable } from '../../src/components/TaskTable.js';
import { requestView } from '../../src/state/bind-permissions.js';
import { PermissionBroker, type PendingRequest } from '../../src/permissions/broker.js';
import { requestDetail, requestReason } from '../../src/permissions/describe.js';
import { bindPermissions } from '../../src/state/bind-permissions.js';
import { createAppStore } from '../../src/state/index.js';
import { needsYouOf, tasksNeedingYou } from '../../src/state/request-selectors.js';
import { T0, task } from '../commands/fakes.js';
import { BridgeProc, recording } from './bridge-helpers.js';

const req = (toolName: string, input: Record<string, unknown>): Pick<PendingRequest, 'toolName' | 'input'> => ({
  toolName,
  input,
});

describe('request reasons', () => {
  it('says what each kind of request asks, in the words the table shows', () => {
    expect(requestReason(req('Bash', { command: 'npm test' }))).toBe('wants to run `npm test`');
    expect(requestReason(req('Edit', { file_path: '/p/api/src/auth.ts' }), '/p/api')).toBe('wants to edit src/auth.ts');
    expect(requestReason(req('Edit', { file_path: '/etc/passwd' }), '/p/api')).toBe('wants to edit /etc/passwd');
    const ask = recording('ask-prompt-tool').find((l) => l.msg.method === 'tools/call')?.msg.params?.arguments as {
      input: Record<string, unknown>;
    };
    expect(requestReason(req('AskUserQuestion', ask.input))).toBe('asks: Which database?');
    expect(requestDetail(req('AskUserQuestion', ask.input))).toContain('  2. SQLite');
    expect(requestReason(req('ExitPlanMode', { plan: '# Plan' }))).toBe('plan ready for approval');
  });

  it('keeps terminal escapes in a command out of the screen', () => {
    expect(requestReason(req('Bash', { command: 'echo \x1b]0;owned\x07hi\nrm x' }))).toBe(
      'wants to run `echo hi rm x`',
    );
  });
});

describe('needs you in the table', () => {
  it('shows a waiting task as "needs you" with its reason; a queued task keeps its own wording', () => {
    const tasks = [
      task({ id: 3, name: 'api-tests', status: 'running', activity: 'Bash: npm test' }),
      task({ id: 4, name: 'later', status: 'queued', queuedReason: 'queued behind task 3' }),
    ];
    const { lastFrame, unmount } = render(
      <TaskTable
        tasks={tasks}
        selectedId={3}
        width={100}
        height={4}
        now={T0}
        frame={0}
        needsYou={{ 3: 'wants to run `npm test`' }}
      />,
    );
    const rows = (lastFrame() ?? '').split('\n');
    expect(rows[1]).toMatch(/3\s+\? needs you\s+api-tests.*wants to run `npm test`/);
    expect(rows[2]).toContain('queued behind task 3');
    expect(rows[2]).not.toContain('needs you');
    unmount();
  });
});

describe('requests in the store', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('a request from a real bridge becomes a "needs you" row and a notice; answering clears it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-needs-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const b = new PermissionBroker({ stateDir: dir });
    await b.start();
    cleanups.push(() => b.close());
    const store = createAppStore({ sync: true });
    store.dispatch({ type: 'tasks/reset', tasks: [task({ id: 5, name: 'touch', status: 'running' })] });
    const unbind = bindPermissions(store, b, () => T0);
    cleanups.push(async () => unbind());
    const p = new BridgeProc({ socket: b.socket, token: b.tokenFor(5), task: 5, run: 1 });
    cleanups.push(() => p.stop());
    const rec = recording('bash-touch-prompt-tool');
    await p.handshake(rec);
    const asked = new Promise<PendingRequest>((r) => b.once('request', r));
    const call = rec.find((l) => l.msg.method === 'tools/call')!.msg;
    p.send(call);
    const r = await asked;
    const s = store.getState();
    expect(needsYouOf(s.requests)).toEqual({ 5: 'wants to run `env touch APPROVED.txt`' });
    expect(tasksNeedingYou(s)).toBe(1);
    expect(s.notices.map((n) => n.text)).toContain('Task 5 touch needs you: wants to run `env touch APPROVED.txt`');
    b.decide(r.id, { behavior: 'allow' }, { source: 'key' });
    expect(store.getState().requests).toEqual([]);
    await p.answer(call.id as number);
  });
});

describe('the request on screen', () => {
  it('the selected waiting task shows the whole question with numbered options and the keys that answer it', () => {
    const call = recording('ask-prompt-tool').find((l) => l.msg.method === 'tools/call')!.msg;
    const input = (call.params?.arguments as { input: Record<string, unknown> }).input;
    const view = requestView(
      { id: 'x', task: 4, run: 1, toolName: 'AskUserQuestion', input, askedAt: T0, connected: true },
      '/p',
    );
    const { lastFrame, unmount } = render(<RequestPanel request={view} width={80} height={8} />);
    const f = lastFrame() ?? '';
    expect(f).toContain('Task 4 needs you — 1–2 answer · d deny');
    expect(f).toContain('Which database?');
    expect(f).toMatch(/1\. Postgres\n\s+2\. SQLite/);
    unmount();
  });

  it('the header counts tasks that need you', () => {
    const { lastFrame, unmount } = render(
      <StatusBar
        connection={{ kind: 'closed' }}
        model="m"
        ptt={{ kind: 'hold', key: 'Right Ctrl' }}
        talking={false}
        level={null}
        mic={{ kind: 'ready', device: 'default' }}
        speaker={{ kind: 'ready', device: 'default' }}
        speaking={false}
        cost={{ sessionUsd: 0, lastTurnUsd: 0 }}
        latency={{}}
        noticeMode="speak"
        now={T0}
        width={100}
        needsYou={2}
      />,
    );
    expect(lastFrame()).toContain('2 tasks need you');
    unmount();
  });
});
