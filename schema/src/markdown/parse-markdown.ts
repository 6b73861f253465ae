// The one Markdown subset chat answers are shown in, by the widget and by the dapp's test
// chat alike: paragraphs, bold, italic, inline code, fenced code, lists, headings (as bold
// paragraphs) and links with absolute http(s) URLs only. It returns a plain tree, never HTML:
// each renderer builds elements from it with text nodes only, so markup, entities or scripts
// in an answer are shown as the characters they are and can never run. Hand-written and free
// of dependencies because the widget inlines it: Markdown libraries either emit HTML strings
// (needing a sanitizer too) or weigh more than the widget's whole 10 KB budget.

/**
 * The `rel` of every link in an answer: no `window.opener` for the page, no ranking credit for
 * whatever a model or a document linked, and no referrer (the frame's address names the bot).
 */
export const LINK_REL = 'noopener noreferrer nofollow';

export type Inline =
  | string
  | { tag: 'strong' | 'em'; children: Inline[] }
  | { tag: 'code'; text: string }
  | { tag: 'a'; href: string; children: Inline[] };

export type Block =
  | { tag: 'p'; children: Inline[] }
  | { tag: 'ul' | 'ol'; items: Inline[][] }
  | { tag: 'pre'; text: string };

const LIST_ITEM = /^\s{0,3}(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/;
const FENCE = /^\s{0,3}```/;

/** Returns the URL when it is an absolute http(s) URL, else undefined. */
export function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  const lines = source.split(/\r\n|\r|\n/);
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length > 0) blocks.push({ tag: 'p', children: parseInline(paragraph.join('\n')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (FENCE.test(line)) {
      endParagraph();
      const code: string[] = [];
      // While an answer streams, an unclosed fence simply runs to the end of the text so far.
      while (++i < lines.length && !FENCE.test(lines[i] as string)) code.push(lines[i] as string);
      blocks.push({ tag: 'pre', text: code.join('\n') });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      endParagraph();
      const tag = item[1] ? 'ul' : 'ol';
      const last = blocks[blocks.length - 1];
      const inline = parseInline(item[3] as string);
      if (last?.tag === tag) last.items.push(inline);
      else blocks.push({ tag, items: [inline] });
      continue;
    }
    if (line.trim() === '') {
      endParagraph();
      continue;
    }
    const last = blocks[blocks.length - 1];
    // A non-blank line right after a list item that is indented continues that item.
    if (paragraph.length === 0 && (last?.tag === 'ul' || last?.tag === 'ol') && /^\s+\S/.test(line)) {
      last.items[last.items.length - 1]?.push(' ', ...parseInline(line.trim()));
      continue;
    }
    // Headings are shown as bold paragraphs: a chat bubble has no room for a title hierarchy.
    const heading = /^\s{0,3}#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      endParagraph();
      blocks.push({ tag: 'p', children: [{ tag: 'strong', children: parseInline(heading[1] as string) }] });
      continue;
    }
    paragraph.push(line);
  }
  endParagraph();
  return blocks;
}

// Sticky (y) patterns match at a given index without slicing the text at every character.
const CODE = /`([^`]+)`/y;
const ESCAPE = /\\([\\`*_[\]()#+\-.!])/y;
// A closing underscore must not be followed by a letter or digit (CommonMark's intraword rule).
const STRONG = /(\*\*|__)(?=\S)([\s\S]*?\S)\1(?!(?<=_)\w)/y;
const EM = /([*_])(?=[^\s*_])([\s\S]*?[^\s\\])\1(?![*_])(?!(?<=_)\w)/y;
// URLs may hold one level of balanced parentheses, as in Wikipedia links.
const LINK = /\[([^\]\n]+)\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]*\))+)>?\s*\)/y;

function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const m =
      ch === '\\'
        ? matchAt(ESCAPE, text, i)
        : ch === '`'
          ? matchAt(CODE, text, i)
          : // Underscores inside a word (snake_case, __proto__) are not emphasis.
            ch === '*' || (ch === '_' && !/\w/.test(text[i - 1] ?? ''))
            ? (matchAt(STRONG, text, i) ?? matchAt(EM, text, i))
            : ch === '['
              ? matchAt(LINK, text, i)
              : null;
    if (!m) {
      plain += ch;
      i++;
      continue;
    }
    i += m[0].length;
    if (ch === '\\') {
      plain += m[1];
      continue;
    }
    if (plain) out.push(plain);
    plain = '';
    if (ch === '`') {
      out.push({ tag: 'code', text: m[1] as string });
    } else if (ch === '[') {
      const href = safeHref(m[2] as string);
      const children = parseInline(m[1] as string);
      // A link with any other scheme (javascript:, data:, ...) keeps only its label, as text.
      if (href) out.push({ tag: 'a', href, children });
      else out.push(...children);
    } else {
      out.push({ tag: m[1]?.length === 2 ? 'strong' : 'em', children: parseInline(m[2] as string) });
    }
  }
  if (plain) out.push(plain);
  return out;
}
