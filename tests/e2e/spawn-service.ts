/**
 * One service of the product as its own process, the way `npm start` runs it
 * (scripts/start/supervise-process.ts): a TypeScript entry point under tsx. Unlike `npm start`,
 * the output goes to a log file in the run's temporary directory, so a failing journey can
 * point at it without flooding the test report.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ServiceOptions {
  name: string;
  /** Entry point relative to the repository root. */
  entry: string;
  args?: string[];
  env?: Record<string, string>;
  /** Polled until it answers 2xx. */
  healthUrl: string;
  logDir: string;
  startTimeoutMs?: number;
}

export interface Service {
  name: string;
  logFile: string;
  /** The last lines of its log, for error messages. */
  tail(lines?: number): string;
  stop(): Promise<void>;
}

export async function spawnService(options: ServiceOptions): Promise<Service> {
  const logFile = join(options.logDir, `${options.name}.log`);
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', tsxLoader, options.entry, ...(options.args ?? [])],
    { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const tail = (lines = 30) => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    }
    log.end();
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${options.name} exited with code ${child.exitCode} while starting:\n${tail()}`);
    }
    try {
      const response = await fetch(options.healthUrl, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} did not answer ${options.healthUrl} in time:\n${tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { name: options.name, logFile, tail, stop };
}
