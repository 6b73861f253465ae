/**
 * Starts one service of `npm start` as a child process, prefixes its output with its name,
 * waits until its health URL answers, and stops it gracefully (SIGTERM, then SIGKILL after a
 * grace period). Each service runs in its own process so that one's event loop (PGlite's
 * synchronous queries, the devnet's wasm execution) never stalls another's requests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../lib/paths.ts';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ServiceSpec {
  name: string;
  /** A TypeScript entry point (relative to the repo), run with tsx; or a built file, see `plainNode`. */
  entry: string;
  /** Run `entry` with plain node, without the tsx loader (a production bundle, already JavaScript). */
  plainNode?: boolean;
  args?: string[];
  env?: Record<string, string | undefined>;
  /** Polled until it answers 2xx. */
  healthUrl: string;
  startTimeoutMs?: number;
}

export interface RunningService {
  name: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const COLORS = [36, 35, 33, 32, 34, 91, 96];
let nextColor = 0;

function prefixOutput(child: ChildProcess, name: string): void {
  const color = COLORS[nextColor++ % COLORS.length];
  const tag = process.stdout.isTTY ? `\x1b[${color}m${name.padEnd(8)}\x1b[0m` : name.padEnd(8);
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${tag} | ${line}\n`));
  }
}

async function waitHealthy(spec: ServiceSpec, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + (spec.startTimeoutMs ?? 120_000);
  let exitCode: number | null | undefined;
  child.once('exit', (code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${spec.name} exited with code ${exitCode} while starting`);
    try {
      const res = await fetch(spec.healthUrl, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${spec.name} did not become healthy at ${spec.healthUrl} in time`);
}

export async function startService(spec: ServiceSpec): Promise<RunningService> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(spec.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  // Own process group, so Ctrl-C in the terminal reaches only this supervisor, which then
  // stops the services in reverse order of their dependencies.
  const loader = spec.plainNode ? [] : ['--import', tsxLoader];
  const child = spawn(process.execPath, [...loader, spec.entry, ...(spec.args ?? [])], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  prefixOutput(child, spec.name);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitHealthy(spec, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { name: spec.name, process: child, stop };
}
