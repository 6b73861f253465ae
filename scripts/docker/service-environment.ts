/**
 * What a container's service sees: the deployment file's addresses and code hashes under the
 * names every service reads (api, relayer, dapp build: one name per setting), the compose environment on top (an
 * explicit non-empty value always wins), and on local chains the published DEV-ONLY relayer
 * key, so `docker compose up` on LocalSecret needs no hand-made account.
 */
import { devOnlyAccount } from '@privexbot/schema/chain';
import { type DeploymentFile, deploymentEnvironment } from '../deploy/deployment-file.js';

/**
 * The deployment's secrets: a container gets them only when its compose environment names
 * them (the api's does, even as empty), so the relayer and dapp containers never hold the
 * platform chain reader's viewing key.
 */
const DECLARED_ONLY = ['CHAIN_READER_ADDRESS', 'CHAIN_READER_VIEWING_KEY'];

export function serviceEnvironment(
  deployment: DeploymentFile,
  env: Record<string, string | undefined>,
): Record<string, string> {
  const local = deployment.network === 'localsecret' || deployment.network === 'devnet';
  const fromDeployment: Record<string, string> = {
    // The dapp's build reads the same names and derives its VITE_ ones (dapp/vite.config.ts).
    ...deploymentEnvironment(deployment),
    ...(local ? { RELAYER_MNEMONIC: devOnlyAccount('relayer').mnemonic } : {}),
  };
  for (const name of DECLARED_ONLY) if (!(name in env)) delete fromDeployment[name];
  return { ...fromDeployment, ...withoutEmpty(env) };
}

/** The variables that have a value: an empty one counts as not set. */
export function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}
