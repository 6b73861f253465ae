/**
 * Devnet figures: cold start (deploy), warm start (restore from the data directory), signed
 * transfers per second through the HTTP API (signing included), and the size of the saved state.
 * Usage: npx tsx scripts/bench/devnet-throughput.ts [transfers=200]  (PRIVEXBOT_ARTIFACTS_DIR for other wasm)
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDevnet, devOnlyAccount, mnemonicSigner } from '@privexbot/schema/chain';
import { billingClient } from '@privexbot/schema/contracts';
import { startDevnet } from '../devnet/index.js';

const transfers = Number(process.argv[2] ?? 200);
const dataDir = mkdtempSync(join(tmpdir(), 'privexbot-devnet-bench-'));
const time = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await run();
  return [value, performance.now() - started];
};

try {
  const [cold, coldMs] = await time(() => startDevnet({ dataDir, port: 0 }));
  const alice = await connectDevnet({
    url: cold.url,
    signer: await mnemonicSigner(devOnlyAccount('alice').mnemonic),
  });
  const bob = devOnlyAccount('bob').address;
  const [, sequentialMs] = await time(async () => {
    for (let i = 0; i < transfers; i++) {
      await alice.execute(cold.contracts.token.address, { transfer: { recipient: bob, amount: '1' } });
    }
  });
  let subscribeMs: number | undefined;
  if (cold.contracts.billing) {
    // a billing subscription paid with a cw20 send: token + billing wasm in one transaction
    const billing = billingClient(alice, cold.contracts.billing.address);
    const { orgId } = await billing.createOrg('Bench');
    const starter = (await billing.query('plans', {})).plans.find((plan) => plan.name === 'Starter');
    [, subscribeMs] = await time(() =>
      billing.subscribe({
        org_id: orgId,
        plan_id: starter?.id as number,
        periods: 1,
        payment: { token: cold.contracts.token.address, amount: '9990000' },
      }),
    );
  }
  const [, queryMs] = await time(async () => {
    for (let i = 0; i < transfers; i++) await alice.tokenBalance(cold.contracts.token.address, bob);
  });
  await cold.close();
  const [warm, warmMs] = await time(() => startDevnet({ dataDir, port: 0 }));
  await warm.close();
  const stateBytes = statSync(join(dataDir, 'state.json')).size;
  const blobBytes = readdirSync(join(dataDir, 'blobs')).reduce(
    (sum, name) => sum + statSync(join(dataDir, 'blobs', name)).size,
    0,
  );

  console.log(`contracts deployed: ${Object.keys(cold.contracts).join(', ')}`);
  console.log(`cold start (deploy + listen): ${coldMs.toFixed(0)} ms`);
  console.log(`warm start (restore + listen): ${warmMs.toFixed(0)} ms`);
  console.log(
    `signed cw20 transfers, one after another: ${((transfers * 1000) / sequentialMs).toFixed(1)} tx/s (${(sequentialMs / transfers).toFixed(1)} ms each)`,
  );
  if (subscribeMs !== undefined)
    console.log(`billing subscribe paid by cw20 send: ${subscribeMs.toFixed(0)} ms`);
  console.log(`token balance queries: ${((transfers * 1000) / queryMs).toFixed(0)} queries/s`);
  console.log(
    `saved state: state.json ${(stateBytes / 1024).toFixed(1)} KiB, blobs ${(blobBytes / 1024).toFixed(0)} KiB`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
