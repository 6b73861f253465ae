import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { connectDevnet } from '@privexbot/schema/chain';

export interface DevnetProcess {
  url: string;
  contracts: { billing: string; usage: string; token: string };
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The devnet (scripts/devnet: cw-simulate executing the contracts' real wasm) as a child
 * process on a free port with a throwaway data directory. A process, not an import: the api
 * never imports scripts; it talks to the chain over HTTP. Needs the built vanilla wasm of
 * billing and usage (`npm test` builds them first).
 */
export async function startDevnetProcess(): Promise<DevnetProcess> {
  const artifacts = process.env.PRIVEXBOT_ARTIFACTS_DIR ?? join(repoRoot, 'contracts', 'artifacts');
  for (const name of ['billing', 'usage']) {
    if (!existsSync(join(artifacts, `${name}.vanilla.wasm`)))
      throw new Error(
        `${name}.vanilla.wasm is not built: run npx tsx scripts/contracts/build-contracts.ts (npm test does)`,
      );
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'privexbot-api-devnet-'));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', tsx, join(repoRoot, 'scripts/devnet/main.ts'), '--port', '0', '--data-dir', dataDir],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  let output = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the devnet did not start in time:\n${output}`)),
        120_000,
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the devnet exited (${code}) before listening:\n${output}`));
      });
    });
    const status = await (await connectDevnet({ url })).status();
    const billing = status.contracts.billing?.address;
    const usage = status.contracts.usage?.address;
    const token = status.contracts.token?.address;
    if (!billing || !usage || !token)
      throw new Error(`the devnet deployed no billing/usage/token: ${output}`);
    return { url, contracts: { billing, usage, token }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
