/**
 * The permission channel as the composition root sees it: the broker started on the state
 * directory, and the per-run prompt spec handed to the task manager for Claude runs.
 */
import type { PermissionPromptSpec } from './channel.js';
import { permissionPrompt } from './channel.js';
import { PermissionBroker, type BrokerOptions } from './broker.js';
import { DEFAULT_DECISION_TIMEOUT_MS } from './protocol.js';
import { RequestDesk } from './desk.js';
import { loadRules, RuleFile } from './rule-file.js';

/** The running channel. */
export interface Permissions {
  broker: PermissionBroker;
  /** Answers requests (keys, voice, rules). */
  desk: RequestDesk;
  /** The prompt spec of a run; undefined when the channel did not start or the bridge is not built. */
  prompt: (taskId: number, runNo: number) => PermissionPromptSpec | undefined;
  close(): Promise<void>;
}

/** Starts the broker; a failure leaves agents without a prompt channel (and is an `error` event). */
export async function startPermissions(
  o: BrokerOptions & {
    timeoutMs?: number;
    highRisk?: readonly string[];
    /** More high-risk texts per project folder name or absolute path. */
    projectHighRisk?: Readonly<Record<string, readonly string[]>>;
    onError?: (e: Error) => void;
  },
): Promise<Permissions> {
  // The desk answers through the broker, and the broker asks the desk's rules first.
  const holder: { broker?: PermissionBroker } = {};
  const desk = new RequestDesk(() => holder.broker, o.highRisk);
  desk.projectHighRisk = o.projectHighRisk;
  // "Always allow" rules outlive voice-orch like the tasks they belong to (see rule-file.ts).
  desk.restoreRules(await loadRules(o.stateDir));
  const ruleFile = new RuleFile(o.stateDir, (e) => o.onError?.(e));
  desk.saveRules = (rules) => ruleFile.save(rules);
  const broker = new PermissionBroker({ ...o, autoDecide: (r) => desk.auto(r) });
  holder.broker = broker;
  if (o.onError) broker.on('error', o.onError);
  const ok = await broker.start();
  const timeoutMs = o.timeoutMs ?? DEFAULT_DECISION_TIMEOUT_MS;
  return {
    broker,
    desk,
    prompt: (task, run) =>
      ok ? permissionPrompt({ stateDir: o.stateDir, task, run, token: broker.tokenFor(task), timeoutMs }) : undefined,
    close: async () => {
      await broker.close();
      await ruleFile.flush();
    },
  };
}
