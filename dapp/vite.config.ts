/**
 * `npm run -w dapp dev`: the dapp on http://localhost:5173 with the api, the devnet and the
 * relayer behind this dev server's proxy (same origin, no CORS). `npm run -w dapp build`:
 * static files in dapp/dist for the api to serve. Targets are set with environment variables:
 *   PRIVEXBOT_API_URL (default http://127.0.0.1:8080), PRIVEXBOT_DEVNET_URL (http://127.0.0.1:26680),
 *   PRIVEXBOT_RELAYER_URL (http://127.0.0.1:8790); VITE_* variables configure the app (README.md).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

// One name per setting across the services (README.md, "Settings"): the dapp takes the chain id
// and the contract addresses from the same variables as the api and the relayer. Vite shows
// the browser only VITE_-prefixed variables, so each is derived here; a VITE_ value set
// explicitly still wins.
const sharedSettings = {
  VITE_CHAIN_ID: 'CHAIN_ID',
  VITE_BILLING_CONTRACT: 'BILLING_CONTRACT',
  VITE_USAGE_CONTRACT: 'USAGE_CONTRACT',
  VITE_TOKEN_CONTRACT: 'PAYMENT_TOKEN_ADDRESS',
} as const;
for (const [viteName, name] of Object.entries(sharedSettings)) {
  if (!process.env[viteName] && process.env[name]) process.env[viteName] = process.env[name];
}
const apiUrl = process.env.PRIVEXBOT_API_URL ?? 'http://127.0.0.1:8080';
const devnetUrl = process.env.PRIVEXBOT_DEVNET_URL ?? 'http://127.0.0.1:26680';
const relayerUrl = process.env.PRIVEXBOT_RELAYER_URL ?? 'http://127.0.0.1:8790';

// Builds for the devnet (the default) leave secretjs out: its single 8 MB browser build would
// double the build time for code such builds cannot run. VITE_CHAIN_KIND=secret keeps it.
const secretStub = join(here, 'src/core/chain/secret-adapter-unavailable.ts');
const withoutSecretjs =
  process.env.VITE_CHAIN_KIND === 'secret'
    ? []
    : [
        { find: /^\.\/connect-secret-client\.js$/, replacement: secretStub },
        { find: /^secretjs$/, replacement: secretStub },
      ];

const toApi: ProxyOptions = { target: apiUrl, changeOrigin: false };
const stripPrefix = (prefix: string, target: string): ProxyOptions => ({
  target,
  changeOrigin: true,
  rewrite: (path) => path.slice(prefix.length) || '/',
});

export default defineConfig({
  root: here,
  base: process.env.VITE_BASE ?? '/',
  plugins: [react()],
  resolve: { alias: withoutSecretjs },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The bundle benchmark (scripts/bench/dapp-bundle.ts) reads the static import graph here.
    manifest: true,
    chunkSizeWarningLimit: 4096,
  },
  server: {
    port: Number(process.env.DAPP_PORT ?? 5173),
    strictPort: false,
    proxy: {
      '/auth': toApi,
      '/v1': toApi,
      '/openapi.json': toApi,
      '/widget.js': toApi,
      '/embed': toApi,
      '/healthz': toApi,
      '/devnet': stripPrefix('/devnet', devnetUrl),
      '/relayer': stripPrefix('/relayer', relayerUrl),
    },
  },
  preview: { port: Number(process.env.DAPP_PORT ?? 4173) },
});
