/**
 * Bundles src/core/wallet/inject-dev-keplr.ts into one classic script for
 * `page.addInitScript({ content })` (playwright-core). Usage from an end-to-end test:
 *
 *   const injection = await buildKeplrInjection();
 *   await page.addInitScript(`window.__PRIVEXBOT_DEV_KEPLR__ = ${JSON.stringify({ mnemonic, label: 'alice' })};`);
 *   await page.addInitScript({ content: injection });
 *
 * CLI: `npm run -w dapp build:keplr-injection [-- out.js]` writes it to a file (default
 * dapp/dist/e2e/dev-keplr.js, git-ignored; `vite build` empties dist/, so build it after).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dappDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildKeplrInjection(): Promise<string> {
  const result = await build({
    entryPoints: [join(dappDir, 'src/core/wallet/inject-dev-keplr.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    // cosmjs references Node's crypto only as a fallback it never takes in a browser; secretjs is
    // loaded only for Secret Network encryption, which the devnet does not use.
    external: ['crypto', 'secretjs'],
    define: { global: 'globalThis' },
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output');
  return output.text;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? join(dappDir, 'dist', 'e2e', 'dev-keplr.js'));
  const code = await buildKeplrInjection();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(`wrote ${out} (${(code.length / 1024).toFixed(1)} KB)`);
}
