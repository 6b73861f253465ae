/**
 * The api platform in front of a real inference gateway process, wired as `npm start` wires them
 * (shared HMAC secret, the gateway's own data directory), for tests of the chat turn end to end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type GatewayProcess,
  spawnGatewayProcess,
} from '../../../gateway/test-support/spawn-gateway-process.js';
import { type PlatformTestApi, startPlatformTestApi } from './start-platform-test-api.js';

export interface PlatformWithGateway {
  gateway: GatewayProcess;
  api: PlatformTestApi;
  close(): Promise<void>;
}

const TEST_PLATFORM_SECRET = 'platform-secret-for-tests-0123';

/** `apiEnv` adds to (or overrides) the api's environment, e.g. `{ EMBEDDINGS: 'model' }`. */
export async function startPlatformWithGateway(
  apiEnv: Record<string, string> = {},
): Promise<PlatformWithGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'privexbot-gateway-'));
  let gateway: GatewayProcess | undefined;
  try {
    gateway = await spawnGatewayProcess({
      GATEWAY_PLATFORM_SECRET: TEST_PLATFORM_SECRET,
      GATEWAY_FEED_TOKEN: 'feed-token-0123456789',
      GATEWAY_DATA_DIR: dataDir,
    });
    const api = await startPlatformTestApi({
      env: { GATEWAY_URL: gateway.url, GATEWAY_PLATFORM_SECRET: TEST_PLATFORM_SECRET, ...apiEnv },
    });
    const started = gateway;
    return {
      gateway: started,
      api,
      async close() {
        await api.close();
        await started.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await gateway?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
