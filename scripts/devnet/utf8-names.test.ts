import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connectDevnet, devOnlyAccount, mnemonicSigner } from '@privexbot/schema/chain';
import { afterAll, describe } from 'vitest';
import { artifactPath } from './deploy-contracts.js';
import { type RunningDevnet, startDevnet } from './index.js';
import { runUtf8NamesSuite, type Utf8NamesContext } from './utf8-names-suite.js';

const artifactsDir =
  process.env.PRIVEXBOT_ARTIFACTS_DIR ?? fileURLToPath(new URL('../../contracts/artifacts', import.meta.url));

// Needs billing's wasm (npm test builds it first); reported as skipped before it is built.
describe.runIf(existsSync(artifactPath(artifactsDir, 'billing')))('devnet', () => {
  let devnet: RunningDevnet | undefined;
  let context: Promise<Utf8NamesContext> | undefined;
  afterAll(() => devnet?.close());

  runUtf8NamesSuite('devnet', () => {
    context ??= (async () => {
      devnet = await startDevnet({ port: 0, artifactsDir });
      return {
        owner: await connectDevnet({
          url: devnet.url,
          signer: await mnemonicSigner(devOnlyAccount('alice').mnemonic),
        }),
        operator: await connectDevnet({
          url: devnet.url,
          signer: await mnemonicSigner(devOnlyAccount('operator').mnemonic),
        }),
        billing: devnet.contracts.billing?.address as string,
      };
    })();
    return context;
  });
});
