#!/usr/bin/env node
// Composition root (being assembled): flags + config → services → store → <App/>.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('-v')) {
  process.stdout.write(`${pkg.version}\n`);
} else {
  process.stdout.write('voice-orch: voice-first control of background Claude Code tasks\n');
}
