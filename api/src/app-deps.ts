import type { OrgDirectory } from './chain/org-directory.js';
import type { Config } from './config.js';
import type { Database } from './db/prisma.js';
import type { Logger } from './logger.js';
import type { BotPlatform } from './services/bots/bot-platform.js';

/** A dependency /readyz checks (database, chain, gateway); it throws when not ready. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** What every part of the api needs: config, database, logger, the chain's org roles, a clock. */
export interface CoreDeps {
  config: Config;
  db: Database;
  logger: Logger;
  orgDirectory: OrgDirectory;
  /** Checks besides the database's, which is always included. */
  readinessChecks: ReadinessCheck[];
  /** Injected so tests can move time (expiry of challenges, sessions). */
  clock: () => Date;
}

/**
 * Everything the app needs from outside, built once by main.ts from one validated config (or
 * by a test, with its own parts): the core, and the bot platform (plan quotas, embedders, the
 * answerer, background workers) built on it.
 */
export interface AppDeps extends CoreDeps {
  botPlatform: BotPlatform;
}
