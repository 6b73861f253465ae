import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  type ChunkingOptions,
  chunkText,
  defaultChunking,
} from '@privexbot/api/services/knowledge/chunk-text';
import { parseDocument } from '@privexbot/api/services/knowledge/parse-document';

/**
 * The retrieval-quality corpus: the Python 3 documentation as Debian ships it (python3-doc,
 * HTML), nobody here wrote it. Pages of the library reference, tutorial, HOWTOs, FAQ and
 * language reference, each reduced to Sphinx's main content block (navigation and sidebars
 * would otherwise be in every page), then parsed and chunked by the product's own code.
 */
export const DOCS_PACKAGE = 'python3-doc';
const SECTIONS = ['library', 'tutorial', 'howto', 'faq', 'reference'];

export interface CorpusPage {
  /** Path under the documentation root, e.g. "library/time.html": what questions name. */
  path: string;
  title: string;
  /** The text of its h1–h3 headings (paraphrased questions must avoid their words). */
  headings: string[];
  chunks: string[];
}

/** The installed documentation's HTML root, installing the Debian package when missing. */
export function docsRoot(): string {
  const find = () => {
    const base = '/usr/share/doc';
    const candidates = readdirSync(base)
      .filter((name) => /^python3\.\d+$/.test(name))
      .map((name) => join(base, name, 'html'));
    return candidates.find((dir) => existsSync(join(dir, 'library', 'time.html')));
  };
  let root = find();
  if (!root) {
    if (process.getuid?.() !== 0) throw new Error(`install ${DOCS_PACKAGE}: apt-get install ${DOCS_PACKAGE}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const installed = spawnSync(
      'apt-get',
      ['install', '-y', '-qq', '--no-install-recommends', DOCS_PACKAGE],
      {
        stdio: 'inherit',
        env,
      },
    );
    if (installed.status !== 0) throw new Error(`apt-get install ${DOCS_PACKAGE} failed`);
    root = find();
  }
  if (!root) throw new Error(`${DOCS_PACKAGE} is installed but its HTML was not found`);
  return root;
}

/** Sphinx's main block; the whole page when the markers are missing. */
function mainContent(html: string): string {
  const start = html.indexOf('<div class="body" role="main">');
  if (start < 0) return html;
  const end = html.indexOf('<div class="sphinxsidebar"', start);
  return html.slice(start, end > start ? end : undefined);
}

export async function buildCorpus(
  options: { only?: readonly string[]; chunking?: ChunkingOptions } = {},
): Promise<CorpusPage[]> {
  const root = docsRoot();
  const files = execFileSync('find', [...SECTIONS.map((s) => join(root, s)), '-name', '*.html'], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .map((file) => relative(root, file))
    .filter((path) => !options.only || options.only.includes(path))
    .sort();
  const pages: CorpusPage[] = [];
  for (const path of files) {
    const html = readFileSync(join(root, path), 'utf8');
    const title = (/<title>([^<]*)<\/title>/.exec(html)?.[1] ?? path).replace(/ &#8212;.*$/, '').trim();
    const main = mainContent(html);
    const headings = [...main.matchAll(/<h[123][^>]*>([\s\S]*?)<\/h[123]>/g)].map((m) =>
      (m[1] ?? '').replace(/<[^>]+>/g, ' ').replace(/&[#\w]+;/g, ' '),
    );
    const text = await parseDocument('html', Buffer.from(main));
    const chunks = chunkText(text, options.chunking ?? defaultChunking).map((chunk) => chunk.text);
    if (chunks.length > 0) pages.push({ path, title, headings, chunks });
  }
  return pages;
}
