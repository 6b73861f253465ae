/**
 * The relayer's production build: relayer/src/main.ts and everything it imports (the schema,
 * npm packages) bundled by esbuild into one ES module, run with plain `node`, without tsx.
 * Running the TypeScript sources through tsx keeps the loader, its compile cache and every
 * module's source in the process (about 35 MB resident before the relayer does anything);
 * the bundle does not (relayer/README.md, "Memory").
 *
 * The output goes to `<cacheDir>/relayer-bundle/<hash>/`, the hash covering everything the
 * bundle is made of (relayer and schema sources, package-lock.json, this file), so a rerun
 * with unchanged sources costs one hash. `--out <dir>` writes it elsewhere instead (the Docker
 * image builds it once into its own directory).
 *
 *   npx tsx scripts/relayer/bundle-relayer.ts [--out <dir>]   → prints the path of main.mjs
 *   node <that path>                                            runs the relayer
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { cacheDir, repoRoot } from '../lib/paths.js';

const ENTRY = 'relayer/src/main.ts';
/** The SQL files migrate-relayer-schema.ts reads next to itself (import.meta.url): copied beside the bundle. */
const MIGRATIONS = 'relayer/src/db/migrations';
const INPUTS = [
  'relayer/src',
  'relayer/package.json',
  'schema/src',
  'schema/package.json',
  'package-lock.json',
];

/**
 * Left to Node at run time, resolved from the repository's node_modules:
 * - secp256k1 loads its prebuilt native addon from its own directory (node-gyp-build);
 * - pg-native is pg's optional native driver, required only if asked for (never here).
 */
const EXTERNAL = ['secp256k1', 'pg-native'];

/**
 * The V8 limits the relayer runs with (docker-compose.yml sets the same in NODE_OPTIONS): a
 * 64 MB old generation, which V8 otherwise grows lazily on a large machine, and 4 MB
 * semi-spaces instead of 16 (more frequent, cheaper young collections), which alone saves
 * about 20 MB resident (relayer/README.md, "Memory").
 */
export const RELAYER_NODE_OPTIONS = '--max-old-space-size=64 --max-semi-space-size=4';

function filesUnder(path: string): string[] {
  const full = join(repoRoot, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { withFileTypes: true })
    .filter((entry) => !/\.test\.tsx?$/.test(entry.name))
    .flatMap((entry) => filesUnder(join(path, entry.name)));
}

function hashInputs(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(filesUnder).sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(repoRoot, file)));
  }
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  // A bundle in the cache finds its external packages through a link to this checkout's
  // node_modules, so each checkout gets its own.
  hash.update(`${repoRoot}\0${process.version}`);
  return hash.digest('hex').slice(0, 16);
}

/** Bundles the relayer into `dir` (main.mjs, migrations/). */
async function bundleInto(dir: string): Promise<void> {
  await build({
    absWorkingDir: repoRoot,
    entryPoints: { main: ENTRY },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Each chain adapter (secretjs, cosmjs's stargate) stays in its own chunk, loaded only
    // when the configuration names it (connect-signing-client.ts imports them on demand).
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // ES module builds where a package ships one: esbuild can leave out what is not used.
    mainFields: ['module', 'main'],
    external: EXTERNAL,
    // CommonJS packages inside an ES module still call require() (node: built-ins, pg-native)
    // and read __dirname (libsodium, through @cosmjs/crypto).
    banner: {
      js: [
        "import { createRequire as __createRequire } from 'node:module';",
        "import { dirname as __pathDirname } from 'node:path';",
        "import { fileURLToPath as __fileURLToPath } from 'node:url';",
        'const require = __createRequire(import.meta.url);',
        'const __filename = __fileURLToPath(import.meta.url);',
        'const __dirname = __pathDirname(__filename);',
      ].join(' '),
    },
    minifySyntax: true,
    minifyWhitespace: true,
    // function and class names stay readable in stack traces and logs
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  cpSync(join(repoRoot, MIGRATIONS), join(dir, 'migrations'), { recursive: true });
  // Node resolves the external packages by walking up from main.mjs: a bundle outside the
  // checkout reaches its node_modules through this link.
  if (relative(repoRoot, dir).startsWith('..')) {
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  }
}

/**
 * The path of the relayer bundle's main.mjs for the current sources, built when missing.
 * With `outDir`, always (re)built there.
 */
export async function bundleRelayer(options: { outDir?: string } = {}): Promise<string> {
  if (options.outDir) {
    const dir = resolve(options.outDir);
    rmSync(dir, { recursive: true, force: true });
    await bundleInto(dir);
    return join(dir, 'main.mjs');
  }
  const cacheRoot = join(cacheDir, 'relayer-bundle');
  const dir = join(cacheRoot, hashInputs());
  if (existsSync(join(dir, 'main.mjs'))) return join(dir, 'main.mjs');
  mkdirSync(cacheRoot, { recursive: true });
  const building = `${dir}.${process.pid}.tmp`;
  try {
    await bundleInto(building);
    // Several runs may build at once: the first rename wins, the others drop their copy.
    try {
      renameSync(building, dir);
    } catch {
      // another run got there first
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return join(dir, 'main.mjs');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  console.log(await bundleRelayer(values.out ? { outDir: values.out } : {}));
}
