import type { OrgDirectory } from './chain/org-directory.js';
import type { Config } from './config.js';
import type { Database } from './db/prisma.js';
import type { Logger } from './logger.js';

/** A dependency /readyz checks (database, chain, gateway); it throws when not ready. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** Everything the app needs from outside, built once by main.ts (or by a test). */
export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  orgDirectory: OrgDirectory;
  /** Checks besides the database's, which is always included. */
  readinessChecks: ReadinessCheck[];
  /** Injected so tests can move time (expiry of challenges, sessions). */
  clock: () => Date;
}
