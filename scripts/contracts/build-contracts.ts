/**
 * Builds both contracts for both targets (vanilla CosmWasm and Secret Network), shrinks them
 * with wasm-opt and checks every artifact (scripts/contracts/check-wasm.ts).
 *
 * Artifacts are not committed: they are built on demand and cached by a hash of everything
 * that goes into them (contract sources, Cargo manifests and lockfile, toolchain version,
 * flags), so a second run with unchanged sources copies them in milliseconds. The cache lives
 * outside the clone (`PRIVEXBOT_CACHE`, default `~/.cache/privexbot`); deleting it forces a
 * rebuild. Committing wasm would put ~1 MB of binaries into every change and let them drift
 * from the sources; a build that is cached by source hash gives the same speed without that.
 *
 * Usage: tsx scripts/contracts/build-contracts.ts [--force] [--quiet]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { cacheDir, repoRoot } from '../lib/paths.ts';
import { checkWasm, sizeReport, type WasmTarget } from './check-wasm.ts';

export const CONTRACTS = ['billing', 'usage'] as const;
export const TARGETS: readonly WasmTarget[] = ['vanilla', 'secret'];
export type ContractName = (typeof CONTRACTS)[number];

export const artifactsDir = join(repoRoot, 'contracts', 'artifacts');

export function artifactPath(contract: ContractName, target: WasmTarget): string {
  return join(artifactsDir, `${contract}.${target}.wasm`);
}

export interface Toolchain {
  kind: 'debian-rustc-web' | 'rustup';
  cargo: string;
  version: string;
  env: NodeJS.ProcessEnv;
  extraArgs: string[];
}

// Rust >= 1.82 emits post-MVP instructions (sign-ext, bulk-memory, ...) that CosmWasm VMs,
// Secret's enclave included, may reject. Rebuilding std for `target-cpu=mvp` avoids them;
// `--allow-undefined` because Rust 1.96 no longer passes it and cosmwasm-std declares its host
// imports without an import module (TOOLCHAIN.md).
const RUSTFLAGS = '-C target-cpu=mvp -C link-arg=--allow-undefined';
// Where std is rebuilt from source, a panic traps at once instead of formatting its message
// first: about 30 KB less per contract. Nothing is lost: the contracts are built without
// cosmwasm-std's `abort` feature, so no panic message ever reached the chain (a panic was
// already a bare `unreachable` trap). Contract errors are `Err` values, not panics.
const IMMEDIATE_ABORT = '-Zunstable-options -C panic=immediate-abort';

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): string {
  return execFileSync(cmd, args, { cwd: repoRoot, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function has(cmd: string, args: string[] = ['--version']): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * One cargo target directory per clone. Cargo decides that a workspace crate is up to date
 * by comparing its sources' mtimes with the last build of a crate of the same name and
 * relative path, so two clones sharing a target directory reuse each other's builds: a clone
 * whose files were edited before another clone's last build got that clone's wasm, stored
 * under its own source hash.
 */
function wasmTargetDir(): string {
  const clone = createHash('sha256').update(repoRoot).digest('hex').slice(0, 12);
  return process.env.PRIVEXBOT_WASM_TARGET_DIR ?? join(cacheDir, 'wasm-target', clone);
}

export function detectToolchain(): Toolchain {
  const targetDir = wasmTargetDir();
  const rustupHasWasm = (() => {
    try {
      return run('rustup', ['target', 'list', '--installed']).split('\n').includes('wasm32-unknown-unknown');
    } catch {
      return false;
    }
  })();
  if (rustupHasWasm) {
    // A contributor's laptop: rustup's wasm target. std comes precompiled, so the MVP flag
    // only covers our code; check-wasm.ts refuses the artifact if std brought post-MVP ops.
    return {
      kind: 'rustup',
      cargo: 'cargo',
      version: run('rustc', ['--version']).trim(),
      env: { ...process.env, CARGO_TARGET_DIR: targetDir, RUSTFLAGS },
      extraArgs: [],
    };
  }
  if (existsSync('/usr/bin/rustc') && existsSync('/usr/lib/rustlib/src/rust/library') && has('wasm-ld-19')) {
    // Debian's rustc-web with its std sources: build std ourselves (TOOLCHAIN.md).
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `/usr/bin:${process.env.PATH ?? ''}`,
      RUSTC: '/usr/bin/rustc',
      RUSTC_BOOTSTRAP: '1',
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER: 'wasm-ld-19',
      CARGO_TARGET_DIR: targetDir,
      RUSTFLAGS: `${RUSTFLAGS} ${IMMEDIATE_ABORT}`,
      // Nothing in either build compiles C (permits use the host's secp256k1_verify): a C
      // dependency coming back fails here instead of quietly needing clang.
      CC: 'false',
      CXX: 'false',
    };
    delete env.RUSTUP_TOOLCHAIN;
    return {
      kind: 'debian-rustc-web',
      cargo: '/usr/bin/cargo',
      version: run('/usr/bin/rustc', ['--version']).trim(),
      env,
      extraArgs: ['-Zbuild-std=std,panic_abort'],
    };
  }
  throw new Error(
    'No Rust toolchain that can build wasm32 was found. Either `rustup target add wasm32-unknown-unknown`, ' +
      'or on Debian (as root): apt-get install -y rustc-web cargo-web rust-web-src lld-19 binaryen wabt',
  );
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry === 'artifacts' || entry === 'target') continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

/** Hash of everything that determines the artifacts. */
export function sourceHash(toolchainVersion: string): string {
  const h = createHash('sha256');
  h.update(`${toolchainVersion}\n${RUSTFLAGS}\n`);
  const inputs = [
    join(repoRoot, 'Cargo.toml'),
    join(repoRoot, 'Cargo.lock'),
    new URL(import.meta.url).pathname,
    ...listFiles(join(repoRoot, 'contracts')).filter(
      (f) => !/\/(tests|examples)\//.test(f) && !f.endsWith('.md'),
    ),
  ];
  for (const file of inputs) {
    if (!existsSync(file)) continue;
    h.update(relative(repoRoot, file));
    h.update('\0');
    h.update(readFileSync(file));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

export interface ArtifactInfo {
  contract: ContractName;
  target: WasmTarget;
  bytes: number;
  sha256: string;
}

function buildTarget(tc: Toolchain, target: WasmTarget, outDir: string, log: (s: string) => void): void {
  const features = target === 'secret' ? ['--no-default-features', '--features', 'secret'] : [];
  const packages = CONTRACTS.flatMap((c) => ['-p', `privexbot-${c}`]);
  const started = Date.now();
  execFileSync(
    tc.cargo,
    [
      'build',
      '--release',
      '--lib',
      '--locked',
      '--target',
      'wasm32-unknown-unknown',
      ...tc.extraArgs,
      ...packages,
      ...features,
    ],
    { cwd: repoRoot, env: tc.env, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  log(`  cargo build (${target}) took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const releaseDir = join(tc.env.CARGO_TARGET_DIR as string, 'wasm32-unknown-unknown', 'release');
  for (const contract of CONTRACTS) {
    const raw = join(releaseDir, `privexbot_${contract}.wasm`);
    const out = join(outDir, `${contract}.${target}.wasm`);
    // --mvp-features keeps wasm-opt from introducing post-MVP instructions of its own.
    execFileSync(
      'wasm-opt',
      ['-Oz', '--mvp-features', '--strip-debug', '--strip-producers', raw, '-o', out],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
  }
}

export function buildContracts(opts: { force?: boolean; quiet?: boolean } = {}): ArtifactInfo[] {
  const log = opts.quiet ? () => {} : (s: string) => console.log(s);
  const tc = detectToolchain();
  const hash = sourceHash(tc.version);
  const cached = join(cacheDir, 'wasm', hash);
  const complete = CONTRACTS.every((c) => TARGETS.every((t) => existsSync(join(cached, `${c}.${t}.wasm`))));
  if (!complete || opts.force) {
    log(`Building contracts with ${tc.kind} (${tc.version}); cache key ${hash}`);
    const staging = `${cached}.tmp-${process.pid}`;
    mkdirSync(staging, { recursive: true });
    for (const target of TARGETS) buildTarget(tc, target, staging, log);
    for (const c of CONTRACTS) for (const t of TARGETS) checkWasm(join(staging, `${c}.${t}.wasm`), t);
    mkdirSync(cached, { recursive: true });
    for (const c of CONTRACTS)
      for (const t of TARGETS) {
        copyFileSync(join(staging, `${c}.${t}.wasm`), join(cached, `${c}.${t}.wasm`));
      }
    execFileSync('rm', ['-rf', staging]);
  } else {
    log(`Contracts unchanged (cache key ${hash}): using cached wasm`);
  }
  mkdirSync(artifactsDir, { recursive: true });
  const infos: ArtifactInfo[] = [];
  for (const contract of CONTRACTS) {
    for (const target of TARGETS) {
      const dest = artifactPath(contract, target);
      copyFileSync(join(cached, `${contract}.${target}.wasm`), dest);
      const bytes = readFileSync(dest);
      infos.push({
        contract,
        target,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    }
  }
  writeFileSync(
    join(artifactsDir, 'manifest.json'),
    `${JSON.stringify({ sourceHash: hash, toolchain: tc.version, artifacts: infos }, null, 2)}\n`,
  );
  for (const a of infos) {
    log(
      `  ${`${a.contract}.${a.target}.wasm`.padEnd(22)} ${String(a.bytes).padStart(8)} bytes  sha256 ${a.sha256}  (${sizeReport(a.bytes, a.target)})`,
    );
  }
  return infos;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildContracts({ force: process.argv.includes('--force'), quiet: process.argv.includes('--quiet') });
}
