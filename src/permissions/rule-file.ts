/**
 * The "always allow" rules made with `A`, kept in `<stateDir>/permissions/rules.json` (0600, in
 * the private permissions folder) so a task keeps them across a restart of voice-orch: its agent
 * and its session outlive voice-orch, and so does what the user allowed it. Task numbers are never
 * reused, so a rule of a removed task can match nothing. Never the project's settings files.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { toError } from '../shared/errors.js';
import type { AllowRule } from './policy.js';
import { parseLine, permissionsDir } from './protocol.js';

const rulesFile = z.array(
  z.object({
    task: z.number().int().positive(),
    toolName: z.string().min(1),
    scope: z.string().optional(),
  }),
);

/** The file of a state directory's rules. */
export function rulesPath(stateDir: string): string {
  return join(permissionsDir(stateDir), 'rules.json');
}

/** Reads the rules; a missing or unreadable file is no rules (the user is asked again). */
export async function loadRules(stateDir: string): Promise<AllowRule[]> {
  let text: string;
  try {
    text = await readFile(rulesPath(stateDir), 'utf8');
  } catch {
    return [];
  }
  return (parseLine(rulesFile, text) ?? []).map((r) => ({
    task: r.task,
    toolName: r.toolName,
    ...(r.scope !== undefined ? { scope: r.scope } : {}),
  }));
}

/** Writes the rules one save after another (atomic: a temporary file renamed); failures go to `onError`. */
export class RuleFile {
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly stateDir: string,
    private readonly onError: (e: Error) => void = () => {},
  ) {}

  save(rules: readonly AllowRule[]): void {
    const text = JSON.stringify(rules, null, 1);
    const path = rulesPath(this.stateDir);
    this.saving = this.saving
      .then(async () => {
        await writeFile(`${path}.tmp`, text, { mode: 0o600 });
        await rename(`${path}.tmp`, path);
      })
      .catch((e: unknown) => this.onError(toError(e)));
  }

  /** Resolves when every save so far has reached the disk. */
  flush(): Promise<void> {
    return this.saving;
  }
}
