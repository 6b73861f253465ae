// `npm test`: sets up what a fresh machine lacks, then runs every test (scripts/test/run-all.ts).
import { bootstrap, runTs } from './bootstrap.mjs';

bootstrap({ browser: true });
runTs('scripts/test/run-all.ts', process.argv.slice(2));
