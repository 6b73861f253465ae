import { defineConfig } from 'prisma/config';

// The Prisma CLI is used for `generate` only (see README.md, "Migrations"): migrations are
// applied by src/db/apply-migrations.ts. The datasource url is read only by CLI commands
// that talk to a database (`prisma migrate deploy` on a machine that has the engine).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
