// A second Runner for tests: every run goes through a wrapper command (`env NAME=1 <file> <args…>`,
// which execs the real argv with one extra variable), and each start is recorded. Everything else
// is delegated to the local runner, so the manager sees a runner it was not written against.
import { LocalRunner } from '../../src/tasks/local-runner.js';
import type * as R from '../../src/tasks/runner.js';
import type { ActionResult } from '../../src/tasks/types.js';

/** The variable the wrapper adds; a run that has it in its environment went through the wrapper. */
export const WRAPPED_VAR = 'WRAPPER_RUNNER_RUN';

export class WrapperRunner implements R.Runner {
  /** Every spec the manager asked to start, as given (before wrapping). */
  readonly starts: R.RunSpec[] = [];
  /** How many signals of each kind the manager sent through this runner. */
  readonly calls = { terminate: 0, kill: 0, snapshot: 0 };
  private readonly local = new LocalRunner();

  start(spec: R.RunSpec): Promise<ActionResult<R.StartedRun>> {
    this.starts.push(spec);
    return this.local.start({ ...spec, file: '/usr/bin/env', args: [`${WRAPPED_VAR}=1`, spec.file, ...spec.args] });
  }

  isAlive(proc: R.RunProcess): Promise<boolean> {
    return this.local.isAlive(proc);
  }

  isSameProcess(proc: R.RunProcess): boolean {
    return this.local.isSameProcess(proc);
  }

  terminate(proc: R.RunProcess): void {
    this.calls.terminate++;
    this.local.terminate(proc);
  }

  kill(proc: R.RunProcess): void {
    this.calls.kill++;
    this.local.kill(proc);
  }

  killDescendants(procs: Iterable<R.SeenProcess>): number {
    return this.local.killDescendants(procs);
  }

  snapshot(): Promise<R.ProcessSnapshot | undefined> {
    this.calls.snapshot++;
    return this.local.snapshot();
  }

  findMarked(variable: string): Promise<R.MarkedRunProcess[]> {
    return this.local.findMarked(variable);
  }
}
