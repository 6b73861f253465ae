#!/usr/bin/env node
// `prisma generate` asks the schema engine for its version before doing anything, and the
// CLI would download that engine first. Generation itself needs no engine, so this stub
// answers `--version` and refuses everything else (migrations are applied without the CLI).
if (process.argv.includes('--version')) {
  console.log('schema-engine-cli 0.0.0-stub');
  process.exit(0);
}
console.error('schema-engine stub: only --version is supported; see api/README.md, "Migrations"');
process.exit(1);
