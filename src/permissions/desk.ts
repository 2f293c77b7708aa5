/**
 * Answers permission requests: by key, by voice or by rule. Turns "allow", "allow always",
 * "deny" and a question's option into the decision the bridge hands the agent, applies the safety
 * policy (by voice, "allow always" is refused and a high-risk request needs a key press) and keeps
 * each task's "always allow" rules, which then answer matching requests without asking.
 */
import type { Decision } from './protocol.js';
import type { DecisionSource, PendingRequest } from './broker.js';
import { questionsOf, rawReason } from './describe.js';
import { projectValue } from '../tasks/project-rules.js';
import { denyMessage, questionAnswers } from './question-answer.js';
import { riskOf, ruleFor, ruleMatches, ruleText, type AllowRule } from './policy.js';

/** What the desk needs from the broker. */
export interface DecisionPort {
  list(): PendingRequest[];
  decide(id: string, decision: Decision, facts: { source: DecisionSource; transcriptItem?: string }): boolean;
}

/** How a request is answered. */
export type AnswerKind = 'allow' | 'allow_always' | 'deny';

/** Options of {@link RequestDesk.answer}. */
export interface AnswerOptions {
  source: 'key' | 'voice';
  /** Why (deny) or feedback on a plan; reaches the agent. */
  message?: string;
  /** A question's answer: an option number (1-based) or the answer's text. */
  choice?: number | string;
  /** A multi-select question's answers: option numbers or texts (see question-answer.ts). */
  choices?: readonly (number | string)[];
  transcriptItem?: string;
}

/** The result of an answer: whether it went through, and a sentence. */
export interface AnswerResult {
  ok: boolean;
  say: string;
}

/** See this file's header. */
export class RequestDesk {
  private readonly rules: AllowRule[] = [];
  /** The folder of a task (set by the composition root once the task manager exists). */
  projectDirOf: (task: number) => string | undefined = () => undefined;
  /** More high-risk texts per project folder name or absolute path (config `projectHighRiskCommands`). */
  projectHighRisk: Readonly<Record<string, readonly string[]>> | undefined;
  /** Keeps the rules after each new one (the composition root points it at `rules.json`). */
  saveRules: (rules: readonly AllowRule[]) => void = () => {};

  constructor(
    private readonly port: () => DecisionPort | undefined,
    private readonly extraHighRisk: readonly string[] = [],
  ) {}

  /** Takes back the rules kept by an earlier run of voice-orch. */
  restoreRules(rules: readonly AllowRule[]): void {
    this.rules.push(...rules);
  }

  /** The "always allow" rules, oldest first. */
  allowRules(): readonly AllowRule[] {
    return this.rules;
  }

  /** Pending requests, oldest first. */
  list(): PendingRequest[] {
    return this.port()?.list() ?? [];
  }

  /** The oldest pending request of a task. */
  forTask(task: number): PendingRequest | undefined {
    return this.list().find((r) => r.task === task);
  }

  /** Why this request is high-risk, or undefined. */
  risk(req: PendingRequest): string | undefined {
    const dir = this.projectDirOf(req.task);
    return riskOf(req, dir, [...this.extraHighRisk, ...(projectValue([dir], this.projectHighRisk) ?? [])]);
  }

  /** The rules' answer to a new request (allow), or undefined to ask the user. */
  auto(req: PendingRequest): Decision | undefined {
    const dir = this.projectDirOf(req.task);
    return this.rules.some((r) => ruleMatches(r, req.task, req, dir)) ? { behavior: 'allow' } : undefined;
  }

  /** Answers the oldest request of `task`. Never throws. */
  answer(task: number, kind: AnswerKind, o: AnswerOptions): AnswerResult {
    const port = this.port();
    const req = this.forTask(task);
    if (!port || !req) return { ok: false, say: `Task ${task} is not waiting for a decision.` };
    const what = rawReason(req, this.projectDirOf(task));
    if (kind !== 'deny' && o.source === 'voice') {
      if (kind === 'allow_always') {
        return { ok: false, say: `"Always allow" is a key-only decision: select task ${task} and press A.` };
      }
      const risk = this.risk(req);
      if (risk !== undefined) {
        return {
          ok: false,
          say: `Task ${task}'s request is high-risk (${risk}); it needs a key press: select task ${task} and press a.`,
        };
      }
    }
    const decision = this.decision(req, kind, o);
    if (typeof decision === 'string') return { ok: false, say: decision };
    if (!port.decide(req.id, decision, { source: o.source, transcriptItem: o.transcriptItem })) {
      return {
        ok: false,
        say: `Task ${task}'s agent is not connected right now; the request waits until it reconnects.`,
      };
    }
    if (kind === 'allow_always') {
      const rule = ruleFor(task, req, this.projectDirOf(task));
      this.rules.push(rule);
      this.saveRules(this.rules);
      return { ok: true, say: `Allowed, and task ${task} may now run ${ruleText(rule)} without asking.` };
    }
    const planRule = req.toolName === 'ExitPlanMode' && kind === 'allow' ? this.editsAfterPlan(task) : undefined;
    if (planRule) return { ok: true, say: `Plan approved: task ${task} goes on and may make ${ruleText(planRule)}.` };
    if (kind === 'deny') return { ok: true, say: `Denied: task ${task} ${what.replace(/^wants to/, 'will not')}.` };
    return { ok: true, say: `Allowed: task ${task} ${what}.` };
  }

  /**
   * An approved plan goes on "with edits allowed", but the CLI itself resumes in its default mode
   * and would ask for every edit; so voice-orch answers the task's edits in its own folder itself
   * (edits elsewhere stay high-risk and still ask). Undefined when the folder is not known.
   */
  private editsAfterPlan(task: number): AllowRule | undefined {
    const dir = this.projectDirOf(task);
    if (dir === undefined) return undefined;
    const rule: AllowRule = { task, toolName: 'Edit', scope: dir };
    if (!this.rules.some((r) => r.task === task && r.toolName === 'Edit' && r.scope === dir)) {
      this.rules.push(rule);
      this.saveRules(this.rules);
    }
    return rule;
  }

  private decision(req: PendingRequest, kind: AnswerKind, o: AnswerOptions): Decision | string {
    if (kind === 'deny') return { behavior: 'deny', message: denyMessage(req, o.message) };
    if (req.toolName === 'AskUserQuestion') {
      const picks = o.choices ?? (o.choice !== undefined ? [o.choice] : []);
      const answers = questionAnswers(questionsOf(req), picks);
      if (typeof answers === 'string') return `Task ${req.task} asks a question: ${answers}`;
      return { behavior: 'allow', updatedInput: { ...req.input, answers } };
    }
    return { behavior: 'allow' };
  }
}
