// Second build step after `tsc` (which type-checks and emits every module into dist/):
// 1. bundles the CLI into one file, dist/cli.js — loading Ink's few hundred small modules one by
//    one cost about a second of cold start; one file starts in about 0.4 s;
// 2. copies the helper scripts (*.cjs) next to the modules that fork them, and next to the bundle;
// 3. bundles the permission bridge (dist/permission-bridge.js), started by agent CLIs, and the
//    approval host (dist/approval-host.js), started per codex/gemini run that asks for approvals;
// 4. makes dist/cli.js executable.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const dist = join(root, 'dist');

function helperScripts(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return helperScripts(path);
    return name.endsWith('.cjs') ? [path] : [];
  });
}

for (const file of helperScripts(src)) {
  const mirrored = join(dist, relative(src, file));
  mkdirSync(dirname(mirrored), { recursive: true });
  copyFileSync(file, mirrored);
  // The bundle resolves `new URL('./x.cjs', import.meta.url)` against dist/cli.js.
  copyFileSync(file, join(dist, relative(dirname(file), file)));
}

await build({
  entryPoints: [join(src, 'cli.tsx')],
  outfile: join(dist, 'cli.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // React's development build records a performance measure per component render (memory grows
  // without bound under load) and runs several times slower.
  define: { 'process.env.NODE_ENV': '"production"' },
  // Ink imports React DevTools only when DEV=true; the bundle ships a no-op in its place.
  alias: { 'react-devtools-core': join(root, 'scripts', 'bundle-stubs', 'react-devtools-core.js') },
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __voCreateRequire } from 'node:module'; const require = __voCreateRequire(import.meta.url);",
  },
});
/**
 * A helper process as one file with no imports outside Node, so it starts wherever voice-orch is
 * installed. Minified: it is parsed at every start (of each claude task's permission bridge, of
 * each codex/gemini run's approval host), and nearly all of it is its libraries.
 */
async function bundleAlone(entry, outName) {
  await build({
    entryPoints: [join(src, ...entry)],
    outfile: join(dist, outName),
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __voCreateRequire } from 'node:module'; const require = __voCreateRequire(import.meta.url);",
    },
  });
}
// The permission bridge runs as its own process (the agent CLI starts it).
await bundleAlone(['permissions', 'bridge-main.ts'], 'permission-bridge.js');
// The approval host runs as its own process per codex/gemini run (src/tasks/backends/approval-host.ts).
await bundleAlone(['tasks', 'backends', 'approval-host-main.ts'], 'approval-host.js');
chmodSync(join(dist, 'cli.js'), 0o755);
