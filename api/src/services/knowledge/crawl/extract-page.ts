import { parseHTML } from 'linkedom';
import { chunkText } from '../chunk-text.js';

/** A chunk of a crawled page, with the link its citation points to (page URL + heading anchor). */
export interface PageChunk {
  ordinal: number;
  text: string;
  url: string;
}

export interface ExtractedPage {
  title: string;
  /** Main content as Markdown-like text: headings as `#` lines, list items as `- `. */
  text: string;
  chunks: PageChunk[];
  /** Absolute http(s) links of the whole page (navigation included: it is how a site is found). */
  links: string[];
}

/** The part of the DOM this module reads (the api compiles without the DOM library's types). */
interface DomNode {
  nodeType: number;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}
interface DomElement extends DomNode {
  tagName: string;
  parentElement: DomElement | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement> & Iterable<DomElement>;
  closest(selector: string): DomElement | null;
  remove(): void;
}
interface DomDocument {
  body: DomElement | null;
  documentElement: DomElement;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement> & Iterable<DomElement>;
}

/** Never content: scripts, forms, and the parts of a page every page repeats. */
const ALWAYS_DROPPED = [
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'iframe',
  'form',
  'nav',
  'aside',
  'dialog',
  '[hidden]',
  '[aria-hidden="true"]',
  '[role="navigation"]',
  '[role="banner"]',
  '[role="contentinfo"]',
  '[role="complementary"]',
  '[role="search"]',
].join(',');

const BLOCKS = new Set([
  'ADDRESS',
  'ARTICLE',
  'BLOCKQUOTE',
  'DD',
  'DIV',
  'DL',
  'DT',
  'FIGCAPTION',
  'FIGURE',
  'LI',
  'MAIN',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'TABLE',
  'TBODY',
  'THEAD',
  'TFOOT',
  'TR',
  'UL',
  'HR',
  'DETAILS',
  'SUMMARY',
]);
const HEADING = /^H([1-6])$/;

/**
 * Keeps a page's main content and its heading structure. The root is `<main>` (or
 * `role=main`, or the only `<article>`), else `<body>`; navigation, asides and the page's own
 * header and footer are dropped (a header inside an article is its title, kept). The text is
 * chunked by the knowledge chunker one heading section at a time, so each chunk knows the
 * heading it sits under and its citation links to that heading's anchor (its `id`, or the
 * nearest enclosing heading's, or none).
 */
export function extractPage(html: string, pageUrl: string): ExtractedPage {
  const document = parseHTML(html).document as unknown as DomDocument;
  const links = collectLinks(document, pageUrl);
  const title =
    clean(document.querySelector('title')?.textContent ?? '') ||
    clean(document.querySelector('h1')?.textContent ?? '');
  const articles = document.querySelectorAll('article');
  const root =
    document.querySelector('main') ??
    document.querySelector('[role="main"]') ??
    (articles.length === 1 ? articles[0] : null) ??
    document.body ??
    document.documentElement;
  for (const element of [...root.querySelectorAll(ALWAYS_DROPPED)]) element.remove();
  for (const element of [...root.querySelectorAll('header, footer')]) {
    if (!element.parentElement?.closest('article, main, section, [role="main"]')) element.remove();
  }
  const sections = walk(root);
  const text = sections
    .flatMap((section) => [section.heading ? headingLine(section.heading) : '', ...section.paragraphs])
    .filter(Boolean)
    .join('\n\n');
  return { title, text, chunks: chunkSections(sections, pageUrl), links };
}

interface Heading {
  level: number;
  text: string;
  anchor: string | null;
}

interface Section {
  heading: Heading | null;
  /** The headings above this one, outermost first. */
  trail: Heading[];
  paragraphs: string[];
}

/**
 * One pass over the content in document order, iterative so that a page nested 100,000 deep
 * cannot overflow the stack: text accumulates into a paragraph, a block boundary ends it, a
 * heading opens a section.
 */
function walk(root: DomElement): Section[] {
  const sections: Section[] = [{ heading: null, trail: [], paragraphs: [] }];
  const open: Heading[] = [];
  let paragraph = '';
  const endParagraph = () => {
    const cleaned = clean(paragraph);
    if (cleaned) sections.at(-1)?.paragraphs.push(cleaned);
    paragraph = '';
  };
  type Step = { node: DomNode; leaving: boolean };
  const stack: Step[] = [{ node: root, leaving: false }];
  while (stack.length > 0) {
    const { node, leaving } = stack.pop() as Step;
    if (node.nodeType === 3) {
      paragraph += node.textContent ?? '';
      continue;
    }
    if (node.nodeType !== 1) continue;
    const element = node as DomElement;
    const tag = element.tagName.toUpperCase();
    const heading = tag.match(HEADING);
    if (heading && !leaving) {
      endParagraph();
      const level = Number(heading[1]);
      while (open.length && (open.at(-1) as Heading).level >= level) open.pop();
      const entry: Heading = {
        level,
        text: clean(element.textContent ?? ''),
        anchor: element.getAttribute('id'),
      };
      if (!entry.text) continue;
      sections.push({ heading: entry, trail: [...open], paragraphs: [] });
      open.push(entry);
      continue;
    }
    if (tag === 'BR') {
      paragraph += '\n';
      continue;
    }
    const block = BLOCKS.has(tag);
    if (leaving) {
      if (block) endParagraph();
      continue;
    }
    if (block) {
      endParagraph();
      if (tag === 'LI') paragraph = '- ';
      stack.push({ node, leaving: true });
    }
    const children = Array.from(element.childNodes);
    for (let i = children.length - 1; i >= 0; i--)
      stack.push({ node: children[i] as DomNode, leaving: false });
  }
  endParagraph();
  return sections.filter((section) => section.heading || section.paragraphs.length);
}

function chunkSections(sections: Section[], pageUrl: string): PageChunk[] {
  const chunks: PageChunk[] = [];
  for (const section of sections) {
    const headings = section.heading ? [...section.trail, section.heading] : [];
    // The chunker reads the heading trail from Markdown headings; give it this section's.
    const markdown = [
      ...headings.map((heading, depth) => `${'#'.repeat(depth + 1)} ${heading.text}`),
      ...section.paragraphs.filter((paragraph) => paragraph !== '- '),
    ].join('\n\n');
    const anchor = [...headings].reverse().find((heading) => heading.anchor)?.anchor;
    const url = anchor ? `${pageUrl}#${encodeURIComponent(anchor)}` : pageUrl;
    for (const chunk of chunkText(markdown)) chunks.push({ ordinal: chunks.length, text: chunk.text, url });
  }
  return chunks;
}

function headingLine(heading: Heading): string {
  return `${'#'.repeat(heading.level)} ${heading.text}`;
}

function collectLinks(document: DomDocument, pageUrl: string): string[] {
  const base = document.querySelector('base[href]')?.getAttribute('href');
  let baseUrl: URL;
  try {
    baseUrl = new URL(base ?? pageUrl, pageUrl);
  } catch {
    baseUrl = new URL(pageUrl);
  }
  const links = new Set<string>();
  for (const anchor of document.querySelectorAll('a[href]')) {
    const rel = (anchor.getAttribute('rel') ?? '').toLowerCase();
    if (rel.split(/\s+/).includes('nofollow')) continue;
    try {
      const url = new URL(anchor.getAttribute('href') ?? '', baseUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      url.hash = '';
      links.add(url.toString());
    } catch {
      // An unparsable href is no link.
    }
  }
  return [...links];
}

function clean(text: string): string {
  return text
    .replace(/[ \t\r\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
}
