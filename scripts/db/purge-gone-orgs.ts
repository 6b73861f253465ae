/**
 * Deletes the data of orgs the api marked gone (the billing contract answered that they do not
 * exist) at least `--grace-days` ago: the org row and, through its foreign keys, its members,
 * invitations, API keys, bots, sources, chunks, conversations, leads, audit log and usage.
 * The api itself never deletes an org (api/src/services/orgs/sync-org-mirror.ts); a gone org
 * is hidden at once and its data waits here for an operator, so that a chain reset or a
 * misread answer costs a restore, not the data.
 *
 *   DATABASE_URL=postgres://... npx tsx scripts/db/purge-gone-orgs.ts [--grace-days 30]        list
 *   DATABASE_URL=postgres://... npx tsx scripts/db/purge-gone-orgs.ts [--grace-days 30] --apply delete
 *   DATABASE_URL=postgres://... npx tsx scripts/db/purge-gone-orgs.ts --restore <orgId>        un-hide
 *
 * `--restore` clears the gone mark of one org (after a wrong answer, say a node restored from
 * an old snapshot); the next request re-reads it from the chain.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';

/** Default grace period: a month to notice a wrong setting or a chain incident. */
export const DEFAULT_GRACE_DAYS = 30;

export interface GoneOrg {
  id: string;
  name: string;
  goneAt: Date;
  billingContract: string | null;
}

/** Lists (and with `apply`, deletes) the orgs gone for at least `graceDays` before `now`. */
export async function purgeGoneOrgs(
  client: pg.ClientBase,
  options: { graceDays: number; now: Date; apply: boolean },
): Promise<GoneOrg[]> {
  const cutoff = new Date(options.now.getTime() - options.graceDays * 86_400_000);
  const { rows } = await client.query<GoneOrg>(
    'SELECT id, name, "goneAt", "billingContract" FROM "Org" WHERE "goneAt" IS NOT NULL AND "goneAt" <= $1 ORDER BY "goneAt"',
    [cutoff],
  );
  if (options.apply && rows.length > 0) {
    // Only rows still gone and past the grace period at delete time.
    await client.query('DELETE FROM "Org" WHERE id = ANY($1) AND "goneAt" IS NOT NULL AND "goneAt" <= $2', [
      rows.map((row) => row.id),
      cutoff,
    ]);
  }
  return rows;
}

/** Clears the gone mark of one org; returns whether it was gone. */
export async function restoreGoneOrg(client: pg.ClientBase, orgId: string): Promise<boolean> {
  const result = await client.query(
    'UPDATE "Org" SET "goneAt" = NULL WHERE id = $1 AND "goneAt" IS NOT NULL',
    [orgId],
  );
  return (result.rowCount ?? 0) > 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'grace-days': { type: 'string', default: String(DEFAULT_GRACE_DAYS) },
      apply: { type: 'boolean', default: false },
      restore: { type: 'string' },
    },
  });
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('set DATABASE_URL to the api’s database');
  const graceDays = Number(values['grace-days']);
  if (!Number.isInteger(graceDays) || graceDays < 0)
    throw new Error('--grace-days must be a whole number of days');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (values.restore) {
      const restored = await restoreGoneOrg(client, values.restore);
      console.log(
        restored ? `org ${values.restore} is no longer marked gone` : `org ${values.restore} was not gone`,
      );
      return;
    }
    const orgs = await purgeGoneOrgs(client, { graceDays, now: new Date(), apply: values.apply });
    for (const org of orgs) {
      console.log(
        `${org.id}\t${org.name}\tgone since ${org.goneAt.toISOString()}\t${org.billingContract ?? '-'}`,
      );
    }
    console.log(
      values.apply
        ? `deleted ${orgs.length} org(s) gone for at least ${graceDays} days, with all their data`
        : `${orgs.length} org(s) gone for at least ${graceDays} days; run again with --apply to delete them`,
    );
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
