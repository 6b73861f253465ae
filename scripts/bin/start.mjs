// `npm start`: sets up what a fresh machine lacks, then starts the whole product on its
// embedded defaults (scripts/start/main.ts).
import { bootstrap, runTs } from './bootstrap.mjs';

bootstrap({ browser: false });
runTs('scripts/start/main.ts', process.argv.slice(2));
