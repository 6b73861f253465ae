import { join, resolve } from 'node:path';
import express, { type Router } from 'express';

/** Paths the api owns: an unknown one stays a JSON 404, never the dapp's page. */
const apiPath = /^\/(v1|auth|embed)(\/|$)|^\/(healthz|readyz|metrics|openapi\.json|widget\.js)$/;

/**
 * The built dapp (`dapp/dist`, DAPP_DIST_DIR), mounted after the api's own routes: its files
 * as static assets (Vite's `assets/` names carry a content hash, so they are cached for good),
 * and `index.html` for any other GET that accepts text/html, so client-side routes such as
 * `/orgs` or `/bots/:id` load the app (dapp/README.md, "Serving in production").
 */
export function serveDapp(distDir: string): Router {
  const root = resolve(distDir);
  const router = express.Router();
  router.use(
    express.static(root, {
      index: false,
      setHeaders(res, path) {
        res.setHeader(
          'cache-control',
          path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (apiPath.test(req.path) || !(req.get('accept') ?? '').includes('text/html')) return next();
    res.setHeader('cache-control', 'no-cache');
    // Relative to `root`: send refuses an absolute path with a dot-directory in it (a build
    // kept under ~/.cache) as a dotfile.
    res.sendFile('index.html', { root }, (error) => {
      if (error) next();
    });
  });
  return router;
}
