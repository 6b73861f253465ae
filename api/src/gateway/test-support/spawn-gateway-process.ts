import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** kill -9, then wait until the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM, then wait for a clean exit. */
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const mainPath = fileURLToPath(new URL('../main.ts', import.meta.url));

/**
 * Runs the gateway's real entry point in its own process (as production does) on a free port
 * and resolves once it listens. For crash tests and harnesses that kill and restart it.
 * `env` is the whole GATEWAY_* configuration; PATH is passed through.
 */
export async function spawnGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', mainPath], {
    cwd: repoRoot,
    // LOG_LEVEL stays info: the 'listening' log line is how the port is learned.
    env: { PATH: process.env.PATH ?? '', GATEWAY_PORT: '0', ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = once(child, 'exit');
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000); // a gateway that never listens must not hang a run
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    let entry: { msg?: string; port?: number };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.msg === 'inference gateway listening') {
      clearTimeout(timer);
      child.stdout?.resume(); // keep draining its log so it never blocks on a full pipe
      return {
        child,
        url: `http://127.0.0.1:${entry.port}`,
        kill9: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
  }
  clearTimeout(timer);
  throw new Error(`the gateway exited before listening: ${stderr.join('')}`);
}
