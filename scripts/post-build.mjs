// Makes the built CLI executable and copies non-TypeScript runtime files (helper .cjs scripts) into dist/.
import { chmodSync, cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const src = new URL('../src/', import.meta.url).pathname;
const dist = new URL('../dist/', import.meta.url).pathname;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(cjs|mjs|json)$/.test(name)) cpSync(path, join(dist, relative(src, path)));
  }
}
walk(src);
if (existsSync(join(dist, 'cli.js'))) chmodSync(join(dist, 'cli.js'), 0o755);
