import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeGoneOrgs, restoreGoneOrg } from './purge-gone-orgs.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './start-embedded-database.js';

const migrationsDir = fileURLToPath(new URL('../../api/prisma/migrations', import.meta.url));
let database: EmbeddedDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await startEmbeddedDatabase({ port: 0 });
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  // The api's schema, from its migrations (plain SQL, applied in name order).
  for (const name of (await readdir(migrationsDir, { withFileTypes: true })).filter((e) => e.isDirectory())) {
    await client.query(await readFile(join(migrationsDir, name.name, 'migration.sql'), 'utf8'));
  }
}, 120_000);

afterAll(async () => {
  await client?.end();
  await database?.close();
});

async function org(id: string, goneAt: Date | null) {
  await client.query(
    'INSERT INTO "Org" (id, name, owner, "syncedAt", "updatedAt", "goneAt", "billingContract") VALUES ($1, $2, $3, now(), now(), $4, $5)',
    [id, `Org ${id}`, 'owner', goneAt, 'billing'],
  );
  await client.query(
    'INSERT INTO "AuditLog" (id, "orgId", actor, action, "targetType", "requestId") VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)',
    [id, 'owner', 'bot.create', 'bot', 'r'],
  );
}

const count = async (table: string, orgColumn: string, id: string) =>
  Number(
    (await client.query(`SELECT count(*) FROM "${table}" WHERE "${orgColumn}" = $1`, [id])).rows[0].count,
  );

describe('purge-gone-orgs', () => {
  it('lists, then deletes with their data, only the orgs gone for longer than the grace period', async () => {
    const now = new Date('2026-12-07T00:00:00Z');
    const day = 86_400_000;
    await org('1', null);
    await org('2', new Date(now.getTime() - 40 * day));
    await org('3', new Date(now.getTime() - 5 * day));

    const listed = await purgeGoneOrgs(client, { graceDays: 30, now, apply: false });
    expect(listed.map((o) => o.id)).toEqual(['2']);
    expect(await count('Org', 'id', '2')).toBe(1);

    expect((await purgeGoneOrgs(client, { graceDays: 30, now, apply: true })).map((o) => o.id)).toEqual([
      '2',
    ]);
    expect(await count('Org', 'id', '2')).toBe(0);
    expect(await count('AuditLog', 'orgId', '2')).toBe(0);
    for (const kept of ['1', '3']) {
      expect(await count('Org', 'id', kept)).toBe(1);
      expect(await count('AuditLog', 'orgId', kept)).toBe(1);
    }

    // A restored org is no longer purged, whatever its age.
    expect(await restoreGoneOrg(client, '3')).toBe(true);
    expect(await restoreGoneOrg(client, '1')).toBe(false);
    expect(await purgeGoneOrgs(client, { graceDays: 0, now, apply: true })).toEqual([]);
    expect(await count('Org', 'id', '3')).toBe(1);
  });
});
