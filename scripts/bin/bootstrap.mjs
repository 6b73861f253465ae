// Makes a fresh clone runnable: checks Node, installs npm packages when the lockfile changed,
// and installs the Debian packages the build and the browser tests need.
//
// Plain JavaScript on purpose: this runs before node_modules exists, so neither TypeScript
// nor any npm package is available yet. Everything after it is TypeScript run by tsx.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureEmbeddingModel } from '../models/fetch-embedding-model.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function fail(message) {
  console.error(`\nSetup cannot continue: ${message}\n`);
  process.exit(1);
}

function commandExists(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(`Node.js >= 20.19 is required (found ${process.versions.node}).`);
  }
}

/**
 * Installs the locked npm packages when node_modules is missing or predates package-lock.json.
 * `npm install` rather than `npm ci`: npm 11 records only this platform's optional binaries
 * (biome, rollup, esbuild) in the lockfile when packages are added one by one, and `npm ci`
 * then refuses the lockfile as out of sync; `npm install` installs the same locked versions.
 */
function ensureNodeModules() {
  const lock = join(repoRoot, 'package-lock.json');
  const stamp = join(repoRoot, 'node_modules', '.privexbot-lock-sha256');
  const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  console.log('Installing npm packages...');
  // onnxruntime-node ships its linux binary; its install script would download another one.
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) fail('npm install failed (see above).');
  writeFileSync(stamp, want);
}

/**
 * What the project needs from the system, each with a check and the Debian package that
 * provides it. Rust itself (cargo for host tests) comes from rustup or Debian's cargo-web.
 */
function systemRequirements({ browser }) {
  const rustupWasm = (() => {
    try {
      return execFileSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' }).includes(
        'wasm32-unknown-unknown',
      );
    } catch {
      return false;
    }
  })();
  const reqs = [
    { what: 'wasm-opt', ok: () => commandExists('wasm-opt'), pkg: 'binaryen' },
    {
      what: 'wasm-validate, wasm2wat',
      ok: () => commandExists('wasm-validate') && commandExists('wasm2wat'),
      pkg: 'wabt',
    },
  ];
  if (!rustupWasm) {
    reqs.push(
      {
        what: 'Debian rustc with wasm support',
        ok: () => existsSync('/usr/bin/rustc') && existsSync('/usr/bin/cargo'),
        pkg: 'rustc-web cargo-web',
      },
      {
        what: 'Rust standard library sources',
        ok: () => existsSync('/usr/lib/rustlib/src/rust/library/Cargo.lock'),
        pkg: 'rust-web-src',
      },
      // No C compiler: the contracts link no C (permits use the host's secp256k1_verify).
      { what: 'wasm-ld-19', ok: () => commandExists('wasm-ld-19'), pkg: 'lld-19' },
    );
  }
  if (!commandExists('cargo'))
    reqs.push({ what: 'cargo', ok: () => commandExists('cargo'), pkg: 'cargo-web' });
  // Fetches the embedding model from Maven Central (scripts/models/fetch-embedding-model.mjs).
  if (process.env.EMBEDDINGS !== 'hash')
    reqs.push({ what: 'mvn', ok: () => commandExists('mvn'), pkg: 'maven' });
  if (browser) reqs.push({ what: 'Chromium', ok: () => existsSync('/usr/bin/chromium'), pkg: 'chromium' });
  return reqs;
}

function ensureSystemPackages(opts) {
  const missing = systemRequirements(opts).filter((r) => !r.ok());
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.flatMap((m) => m.pkg.split(' ')))];
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !commandExists('apt-get')) {
    fail(
      `missing ${missing.map((m) => m.what).join(', ')}.\n` +
        `On Debian/Ubuntu: sudo apt-get install -y ${pkgs.join(' ')}\n` +
        'Elsewhere: rustup target add wasm32-unknown-unknown, and install binaryen, wabt and Chromium.',
    );
  }
  console.log(`Installing system packages: ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (update.status !== 0) fail('apt-get update failed.');
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], {
    stdio: 'inherit',
    env,
  });
  if (install.status !== 0) fail(`apt-get install ${pkgs.join(' ')} failed.`);
}

export function bootstrap({ browser = true } = {}) {
  checkNode();
  ensureSystemPackages({ browser });
  ensureNodeModules();
  ensureModel();
}

/** The sentence-embedding model the api runs by default (no key, no network at run time). */
function ensureModel() {
  if (process.env.EMBEDDINGS === 'hash') return;
  try {
    ensureEmbeddingModel();
  } catch (error) {
    fail(`${error.message}\nThe api needs it unless EMBEDDINGS=hash (a keyword-only fallback).`);
  }
}

/**
 * Runs a TypeScript entry point with tsx and exits with its code. Ctrl-C reaches the child
 * directly (same process group); this process only waits for it to finish shutting down.
 */
export function runTs(entry, args = []) {
  const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [join(repoRoot, entry), ...args], { cwd: repoRoot, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      if (sig === 'SIGTERM') child.kill('SIGTERM');
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
