import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../lib/paths.js';

/**
 * The test files that run against a database and so run a second time on the PostgreSQL
 * server in `npm test`: the api's files that start a test database (directly or through a
 * test api), the relayer's end-to-end files that start the relayer stack, the browser journey
 * (the whole product), and the server-only tests. Found by what they import, so a new database suite joins by itself.
 */
export function listDatabaseSuites(): string[] {
  const uses = [
    /testing\/start-test-(api|database)\.js'/,
    /test-support\/start-platform-test-api\.js'/,
    /relayer-stack\.js'/,
    /start-product\.js'/,
  ];
  const files = [
    ...testFiles(join(repoRoot, 'api', 'src')),
    ...testFiles(join(repoRoot, 'tests', 'relayer')),
    ...testFiles(join(repoRoot, 'tests', 'e2e')),
  ].filter((file) => uses.some((pattern) => pattern.test(readFileSync(file, 'utf8'))));
  return [...files, ...testFiles(join(repoRoot, 'tests', 'postgres'))]
    .map((file) => relative(repoRoot, file))
    .sort();
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}
