/**
 * Test support: runs the real devnet (scripts/devnet, executing the contracts' wasm) as a
 * child process on a free port with a throwaway data directory. The dapp talks to it over HTTP
 * only, as it does in the browser; it never imports the devnet's code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DevnetProcess {
  url: string;
  stop(): Promise<void>;
}

// A string, not `new URL(...)`: under jsdom `URL` is jsdom's and fileURLToPath refuses it.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export async function startDevnetProcess(): Promise<DevnetProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'privexbot-dapp-devnet-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/devnet/main.ts', '--port', '0', '--data-dir', dataDir],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`the devnet exited (${code}) before listening:\n${output}`)),
    );
  });
  return {
    url,
    stop: async () => {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
