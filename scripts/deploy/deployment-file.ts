/**
 * The deployment file: what a deploy wrote and every service reads (contract addresses and the
 * code hashes Secret Network requires in each call). Validated on read, so a truncated or
 * hand-edited file fails with a message naming the bad field instead of a later chain error.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

export const NETWORK_NAMES = ['localsecret', 'pulsar', 'secret-4', 'cosmwasm', 'devnet'] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

const codeHash = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
const contractRecord = z.object({
  address: z.string().min(1),
  codeHash,
  codeId: z.number().int().positive(),
});

export const deploymentFileSchema = z.object({
  chainId: z.string().min(1),
  network: z.enum(NETWORK_NAMES),
  contracts: z.object({
    billing: contractRecord,
    usage: contractRecord,
    token: z.object({ address: z.string().min(1), codeHash: codeHash.nullable() }).optional(),
  }),
  /**
   * The platform's chain reader (chain-reader.ts), whose viewing key the deploy set on both
   * contracts. The key is a secret: hence the file's mode 0600, and it is never logged.
   */
  chainReader: z.object({ address: z.string().min(1), viewingKey: z.string().min(16) }).optional(),
  deployedAt: z.iso.datetime(),
});

export type DeploymentFile = z.infer<typeof deploymentFileSchema>;
export type ContractRecord = z.infer<typeof contractRecord>;

export function parseDeploymentFile(json: unknown, source = 'deployment file'): DeploymentFile {
  const parsed = deploymentFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`${source} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

export function readDeploymentFile(path: string): DeploymentFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new Error(`cannot read the deployment file ${path}: run the deploy first`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new Error(`${path} is not JSON`, { cause });
  }
  return parseDeploymentFile(json, path);
}

/**
 * Writes through a temporary file and a rename, so readers never see half a file. Mode 0600:
 * the file may hold the chain reader's viewing key (the compose services run as one user).
 */
export function writeDeploymentFile(path: string, deployment: DeploymentFile): void {
  const valid = parseDeploymentFile(deployment);
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/**
 * The environment variables through which the services learn the deployment (api:
 * BILLING_CONTRACT, CHAIN_ID, CHAIN_READER_ADDRESS, CHAIN_READER_VIEWING_KEY; api and relayer:
 * USAGE_CONTRACT, one name for both; plus code hashes for Secret).
 */
export function deploymentEnvironment(deployment: DeploymentFile): Record<string, string> {
  const { billing, usage, token } = deployment.contracts;
  const reader = deployment.chainReader;
  return {
    CHAIN_ID: deployment.chainId,
    BILLING_CONTRACT: billing.address,
    BILLING_CODE_HASH: billing.codeHash,
    USAGE_CONTRACT: usage.address,
    USAGE_CODE_HASH: usage.codeHash,
    ...(token ? { PAYMENT_TOKEN_ADDRESS: token.address } : {}),
    ...(token?.codeHash ? { PAYMENT_TOKEN_CODE_HASH: token.codeHash } : {}),
    ...(reader ? { CHAIN_READER_ADDRESS: reader.address, CHAIN_READER_VIEWING_KEY: reader.viewingKey } : {}),
  };
}
