import { pino } from 'pino';
import { loadGatewayConfig } from './load-gateway-config.js';
import { startGateway } from './start-gateway.js';

// Entry point of the inference gateway process: `npx tsx api/src/gateway/main.ts` (see README.md).
const logger = pino({ name: 'inference-gateway', level: process.env.LOG_LEVEL ?? 'info' });
try {
  const gateway = await startGateway(loadGatewayConfig(process.env), { logger });
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, 'the inference gateway could not start');
  process.exit(1);
}
