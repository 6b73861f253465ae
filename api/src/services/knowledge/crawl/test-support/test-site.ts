import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/**
 * A small documentation website on 127.0.0.1 (port 0) for crawl tests and the crawl benchmark:
 * 51 HTML pages (home, 30 docs and 10 blog posts listed in a gzip and a plain sitemap behind a
 * sitemap index, 10 guide pages reachable only by links from the first), with robots rules, a redirect loop, a
 * 404, a PDF, off-origin links, a redirect to a private address, a link to a private address
 * and a gzip bomb sitemap (1.5 MB that inflate to 1.5 GB). Pages answer an ETag (blog posts a
 * Last-Modified instead) and honour conditional GETs; `setPage` and `removePage` change the site between crawls, and
 * `setOutage` makes some paths answer 503 (a site down for a while).
 */
export interface TestSite {
  origin: string;
  /** Every page a full crawl should store. */
  pagePaths: string[];
  /** Requests served, by path (politeness and conditional-GET assertions). */
  requests: string[];
  /** When each of `requests` arrived (`Date.now()`, same order). */
  requestTimes: number[];
  setPage(path: string, body: string): void;
  removePage(path: string): void;
  /** Paths matching answer 503 until called again with `null`. */
  setOutage(failing: ((path: string) => boolean) | null): void;
  close(): Promise<void>;
}

const DOCS = 30;
const BLOG = 10;
const GUIDES = 10;
const BLOG_PUBLISHED = 'Mon, 07 Dec 2026 08:00:00 GMT';

export async function startTestSite(): Promise<TestSite> {
  const pages = new Map<string, string>();
  const requests: string[] = [];
  const requestTimes: number[] = [];
  let origin = '';
  let outage: ((path: string) => boolean) | null = null;
  const lastModified = new Map<string, string>();
  const bomb = gzipBomb();

  const layout = (title: string, main: string) =>
    `<!doctype html><html><head><title>${title}</title></head><body>
<header><a href="/">Acme Docs</a> SITE HEADER BOILERPLATE</header>
<nav><a href="/docs/page-1">Docs</a> <a href="/blog/post-1">Blog</a> <a href="/guide/g-1">Guides</a> NAVIGATION BOILERPLATE</nav>
<main>${main}</main>
<aside>RELATED LINKS BOILERPLATE</aside>
<footer>FOOTER BOILERPLATE © Acme <a href="https://example.org/offsite">partner</a></footer>
</body></html>`;

  const docPage = (n: number, fact = `the docs code of page ${n} is DOC${n}X`) =>
    layout(
      `Docs ${n}`,
      `<article><header><h1 id="top">Docs page ${n}</h1></header>
<p>Introduction to topic ${n}. ${fact}.</p>
<h2 id="setup-${n}">Setup for topic ${n}</h2><p>Install step ${n}: run the installer for topic ${n}.</p>
<h2>Notes</h2><ul><li>first note ${n}</li><li>second note ${n}</li></ul>
${n < DOCS ? `<p><a href="/docs/page-${n + 1}">next</a></p>` : ''}</article>`,
    );

  pages.set(
    '/',
    layout(
      'Acme home',
      `<h1 id="welcome">Welcome to Acme</h1><p>Acme makes widgets. Read the guides.</p>
<ul>
<li><a href="/docs/page-1">Docs</a></li><li><a href="/guide/g-1">Guides</a></li>
<li><a href="/private/secret">Private</a></li><li><a href="/loop-a">Loop</a></li>
<li><a href="/missing">Missing</a></li><li><a href="/files/manual.pdf">Manual (PDF)</a></li>
<li><a href="/internal">Internal</a></li><li><a href="http://192.168.1.1/admin">Router</a></li>
<li><a href="mailto:help@example.org">Mail</a></li>
</ul>`,
    ),
  );
  for (let n = 1; n <= DOCS; n++) pages.set(`/docs/page-${n}`, docPage(n));
  for (let n = 1; n <= BLOG; n++)
    pages.set(
      `/blog/post-${n}`,
      layout(`Post ${n}`, `<h1 id="post">Blog post ${n}</h1><p>News number ${n}: blog code BLOG${n}Y.</p>`),
    );
  for (let n = 1; n <= GUIDES; n++)
    pages.set(
      `/guide/g-${n}`,
      layout(
        `Guide ${n}`,
        `<h1 id="guide">Guide ${n}</h1><p>Guide text ${n}: guide code GUIDE${n}Z.</p>${
          n === 1
            ? Array.from(
                { length: GUIDES - 1 },
                (_, i) => `<a href="/guide/g-${i + 2}">guide ${i + 2}</a>`,
              ).join(' ')
            : ''
        }`,
      ),
    );
  pages.set('/private/secret', layout('Secret', '<h1>Secret</h1><p>SECRET PAGE</p>'));
  const pagePaths = [...pages.keys()].filter((path) => !path.startsWith('/private/'));

  const sitemap = (paths: string[]) =>
    `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths
      .map((path) => `<url><loc>${origin}${path}</loc></url>`)
      .join('')}</urlset>`;

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    requests.push(path);
    requestTimes.push(Date.now());
    const send = (
      status: number,
      type: string,
      body: string | Buffer,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'content-type': type, ...headers });
      res.end(body);
    };
    if (outage?.(path)) return send(503, 'text/html', '<h1>Service unavailable</h1>');
    if (path === '/robots.txt')
      return send(
        200,
        'text/plain',
        `User-agent: *\nDisallow: /private/\n\nSitemap: ${origin}/sitemap_index.xml\n`,
      );
    if (path === '/sitemap_index.xml')
      return send(
        200,
        'application/xml',
        `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>${origin}/sitemap-docs.xml.gz</loc></sitemap>
<sitemap><loc>${origin}/sitemap-blog.xml</loc></sitemap>
<sitemap><loc>${origin}/sitemap-bomb.xml.gz</loc></sitemap>
<sitemap><loc>https://example.org/sitemap.xml</loc></sitemap>
</sitemapindex>`,
      );
    if (path === '/sitemap-docs.xml.gz')
      return send(
        200,
        'application/gzip',
        gzipSync(sitemap(Array.from({ length: DOCS }, (_, i) => `/docs/page-${i + 1}`))),
      );
    if (path === '/sitemap-blog.xml')
      return send(
        200,
        'application/xml',
        sitemap(Array.from({ length: BLOG }, (_, i) => `/blog/post-${i + 1}`)),
      );
    if (path === '/sitemap-bomb.xml.gz') return send(200, 'application/gzip', bomb);
    if (path === '/loop-a') return send(302, 'text/plain', '', { location: '/loop-b' });
    if (path === '/loop-b') return send(302, 'text/plain', '', { location: '/loop-a' });
    if (path === '/internal') return send(302, 'text/plain', '', { location: 'http://10.0.0.5/admin' });
    if (path === '/files/manual.pdf') return send(200, 'application/pdf', '%PDF-1.4 not really');
    const page = pages.get(path);
    if (!page) return send(404, 'text/html', '<h1>Not found</h1>');
    if (path.startsWith('/blog/')) {
      // The blog answers Last-Modified only (no ETag): re-crawls ask with If-Modified-Since.
      const modified = lastModified.get(path) ?? BLOG_PUBLISHED;
      const since = Date.parse(req.headers['if-modified-since'] ?? '');
      if (!Number.isNaN(since) && since >= Date.parse(modified)) {
        res.writeHead(304, { 'last-modified': modified });
        return res.end();
      }
      return send(200, 'text/html; charset=utf-8', page, { 'last-modified': modified });
    }
    const etag = `"${createHash('sha256').update(page).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      return res.end();
    }
    send(200, 'text/html; charset=utf-8', page, { etag });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pagePaths,
    requests,
    requestTimes,
    setPage: (path, body) => {
      pages.set(path, path.startsWith('/docs/') ? docPage(Number(path.split('-')[1]), body) : body);
      lastModified.set(path, new Date().toUTCString());
    },
    removePage: (path) => pages.delete(path),
    setOutage: (failing) => {
      outage = failing;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Gzip members concatenate into one stream: 24 copies of one member of 64 MB of zeros inflate
 * to 1.5 GB from about 1.5 MB on the wire, under the crawl's 2 MB download cap.
 */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  return Buffer.concat(Array.from({ length: 24 }, () => member));
}
