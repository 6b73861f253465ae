import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { vector } from '@electric-sql/pglite-pgvector';

/**
 * The PostgreSQL extensions the migrations create (pgvector, and btree_gin for the per-bot
 * full-text index), which PGlite must have loaded before CREATE EXTENSION can find them.
 * scripts/db loads the same list for `npm start`.
 */
export const pgliteExtensions = { vector, btree_gin };
