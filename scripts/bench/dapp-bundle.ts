// dapp bundle benchmark: the JavaScript a browser must download before the dapp's first page
// renders (the entry chunk plus its static imports, from Vite's manifest), gzipped and brotli'd.
// Goal: <= 200 KB gzipped. Lazy chunks (pages, charts, chain code) are listed separately.
//
//   npx tsx scripts/bench/dapp-bundle.ts [--build] [--check]
//     --build   run `npm run -w dapp build` first (otherwise measure dapp/dist as it is)
//     --check   exit 1 when the initial JavaScript is over the goal
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const GOAL_GZIP_BYTES = 200 * 1024;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(repoRoot, 'dapp', 'dist');
const manifestPath = join(dist, '.vite', 'manifest.json');

interface ManifestChunk {
  file: string;
  src?: string;
  name?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
}

function sizesOf(file: string): Sizes {
  const bytes = readFileSync(join(dist, file));
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

function add(a: Sizes, b: Sizes): Sizes {
  return { raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`.padStart(10);
const row = (name: string, s: Sizes) => `${name.padEnd(48)} ${kb(s.raw)} ${kb(s.gzip)} ${kb(s.brotli)}`;

if (process.argv.includes('--build')) {
  const started = performance.now();
  execFileSync('npm', ['run', '-w', 'dapp', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  console.log(`build time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
if (!existsSync(manifestPath)) {
  console.error(
    'dapp/dist/.vite/manifest.json is missing: run with --build (or `npm run -w dapp build`) first',
  );
  process.exit(2);
}

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>;
const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
if (!entryKey) throw new Error('the manifest has no entry chunk');

// Everything reachable from the entry through static imports loads before the first render.
const initial = new Set<string>();
const pending = [entryKey];
while (pending.length > 0) {
  const key = pending.pop()!;
  if (initial.has(key)) continue;
  initial.add(key);
  pending.push(...(manifest[key]?.imports ?? []));
}

let initialJs: Sizes = { raw: 0, gzip: 0, brotli: 0 };
let initialCss: Sizes = { raw: 0, gzip: 0, brotli: 0 };
console.log(
  `${'initial chunk'.padEnd(48)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)} ${'brotli'.padStart(10)}`,
);
for (const key of initial) {
  const chunk = manifest[key]!;
  const sizes = sizesOf(chunk.file);
  initialJs = add(initialJs, sizes);
  console.log(row(chunk.file, sizes));
  for (const css of chunk.css ?? []) initialCss = add(initialCss, sizesOf(css));
}
console.log(row('initial JavaScript, total', initialJs));
console.log(row('initial CSS, total', initialCss));

console.log('\nlazy chunks (loaded by the pages and actions that need them), largest first');
const lazy = Object.entries(manifest)
  .filter(([key, chunk]) => !initial.has(key) && chunk.file.endsWith('.js'))
  .map(([key, chunk]) => ({
    name: chunk.src ?? chunk.name ?? key,
    file: chunk.file,
    sizes: sizesOf(chunk.file),
  }))
  .sort((a, b) => b.sizes.gzip - a.sizes.gzip);
for (const chunk of lazy) console.log(row(`${chunk.file} (${chunk.name})`.slice(0, 48), chunk.sizes));

const within = initialJs.gzip <= GOAL_GZIP_BYTES;
console.log(
  `\ndapp initial JavaScript gzip bytes: ${initialJs.gzip} (goal <= ${GOAL_GZIP_BYTES}) ${within ? 'OK' : 'OVER'}`,
);
if (process.argv.includes('--check') && !within) process.exitCode = 1;
