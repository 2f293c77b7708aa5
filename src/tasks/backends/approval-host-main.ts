/** The approval host's process entry (bundled as dist/approval-host.js; see approval-host.ts). */
import { hostSpecSchema, runHost } from './approval-host.js';
import { codexAppServer } from './codex-app-server.js';
import { geminiAcp } from './gemini-acp.js';

async function main(): Promise<void> {
  const word = process.argv.slice(2).find((a) => a.startsWith('--spec='));
  let spec;
  try {
    spec = hostSpecSchema.safeParse(JSON.parse((word ?? '').slice('--spec='.length)));
  } catch {
    spec = undefined;
  }
  if (spec === undefined || !spec.success) {
    process.stderr.write('the approval host needs --spec=<json> (see approval-launch.ts)\n');
    process.exit(2);
  }
  const code = await runHost(spec.data, spec.data.agent === 'codex' ? codexAppServer : geminiAcp);
  process.exit(code);
}

void main();
