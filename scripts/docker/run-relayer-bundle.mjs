/**
 * The relayer container's entry: `node scripts/docker/run-relayer-bundle.mjs [args...]` runs the
 * relayer's production bundle, built into the image at `RELAYER_BUNDLE` (Dockerfile, runtime
 * stage, by scripts/relayer/bundle-relayer.ts), in this very process: plain node, no tsx loader,
 * so the container's relayer is the process the memory benchmark measures. Plain JavaScript on
 * purpose; the arguments pass through (`... quarantine list`).
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const bundle = process.env.RELAYER_BUNDLE;
if (!bundle || !existsSync(bundle)) {
  console.error(
    `RELAYER_BUNDLE must name the relayer bundle's main.mjs (got ${bundle ? `"${bundle}", which does not exist` : 'nothing'}); ` +
      'the image builds it with: node --import tsx scripts/relayer/bundle-relayer.ts --out <dir>',
  );
  process.exit(2);
}
await import(pathToFileURL(bundle).href);
