/**
 * The relayer's production bundle, as `npm start`, the memory benchmark and the Docker image
 * run it: built (or taken from the cache), then started with plain node against the devnet and
 * the embedded database until it answers /healthz. A bundle that misses a module, its migrations
 * or its native addon fails here rather than in a deployment.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devOnlyAccount } from '@privexbot/schema/chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnEmbeddedDatabase } from '../db/spawn-embedded-database.js';
import { type RunningDevnet, startDevnet } from '../devnet/index.js';
import { bundleRelayer } from './bundle-relayer.js';

let bundle: string;
beforeAll(async () => {
  bundle = await bundleRelayer();
});

/** Runs the bundle with plain node and only `env` (plus PATH); resolves with its exit and output. */
function runBundle(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, [bundle, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('the relayer bundle', () => {
  it('is one ES module with its migrations beside it, reused while the sources are unchanged', async () => {
    expect(bundle).toMatch(/main\.mjs$/);
    expect(existsSync(join(dirname(bundle), 'migrations', '001_relayer_tables.sql'))).toBe(true);
    // no TypeScript left for a loader to compile
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/relayer\/src\/main\.ts['"]/);
    expect(await bundleRelayer()).toBe(bundle);
  });

  it('refuses a missing configuration with the clear config error, exit code 2', async () => {
    const run = runBundle({});
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/invalid relayer configuration/);
    expect(run.output()).toMatch(/DATABASE_URL is required/);
  });

  it("runs through the container's entry (scripts/docker/run-relayer-bundle.mjs), which needs RELAYER_BUNDLE", async () => {
    const entry = fileURLToPath(new URL('../docker/run-relayer-bundle.mjs', import.meta.url));
    const viaEntry = (env: Record<string, string>) => {
      const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', ...env } });
      let output = '';
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      return new Promise<[number | null, string]>((resolve) =>
        child.once('exit', (code) => resolve([code, output])),
      );
    };
    const [code, output] = await viaEntry({ RELAYER_BUNDLE: bundle });
    expect(code).toBe(2);
    expect(output).toMatch(/invalid relayer configuration/);
    const [missingCode, missing] = await viaEntry({});
    expect(missingCode).toBe(2);
    expect(missing).toMatch(/RELAYER_BUNDLE must name the relayer bundle/);
  });

  describe('started against the devnet and the embedded database', () => {
    let devnet: RunningDevnet;
    let db: { url: string; close(): Promise<void> };
    let relayer: ChildProcess | undefined;

    beforeAll(async () => {
      [devnet, db] = await Promise.all([startDevnet({ port: 0 }), spawnEmbeddedDatabase({ port: 0 })]);
    });
    afterAll(async () => {
      relayer?.kill('SIGKILL');
      await db?.close();
      await devnet?.close();
    });

    it('migrates, connects and answers /healthz, verifying with the native libsecp256k1', async () => {
      const usage = devnet.contracts.usage?.address;
      if (!usage) throw new Error('no usage contract: run npx tsx scripts/contracts/build-contracts.ts');
      const run = runBundle({
        DATABASE_URL: db.url,
        RELAYER_CHAIN_ADAPTER: 'devnet',
        RELAYER_CHAIN_URL: devnet.url,
        USAGE_CONTRACT: usage,
        RELAYER_MNEMONIC: devOnlyAccount('relayer').mnemonic,
        // nothing listens there: the worker retries, which /healthz reports as degraded
        RELAYER_GATEWAYS: JSON.stringify([
          { url: 'http://127.0.0.1:9', token: 'bundle-test-token-0123456789' },
        ]),
        RELAYER_HOST: '127.0.0.1',
        RELAYER_PORT: '0',
        RELAYER_LOG_LEVEL: 'info',
      });
      relayer = run.child;
      const listening = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "relayer listening" in time:\n${run.output()}`)),
          30_000,
        );
        run.child.stdout?.on('data', () => {
          const url = /"url":"(http:[^"]+)".*"msg":"relayer listening"/.exec(run.output())?.[1];
          if (url) {
            clearTimeout(timer);
            resolve(url);
          }
        });
        run.exited.then((code) => reject(new Error(`the bundle exited with ${code}:\n${run.output()}`)));
      });
      const health = await fetch(`${listening}/healthz`);
      expect([200, 503]).toContain(health.status);
      expect(await health.json()).toMatchObject({ leader: true, signers: [expect.any(Object)] });
      const batches = await fetch(`${listening}/batches`);
      expect(await batches.json()).toEqual({ batches: [] });
      // The signature check runs in the prebuilt binding, not the package's JavaScript fallback.
      expect(readFileSync(`/proc/${run.child.pid}/maps`, 'utf8')).toMatch(/secp256k1[^/\n]*\.node/);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    });
  });
});
