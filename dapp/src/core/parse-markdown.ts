/**
 * The small, safe markdown subset chat answers use: paragraphs, bullet and numbered lists,
 * fenced code blocks, inline code, bold, italic and links. It returns a tree, never HTML, so
 * markup in an answer is shown as text and cannot run; links keep only http(s) and mailto.
 * Re-parsing the whole answer on each streamed token is cheap at chat sizes and keeps a
 * half-received construct (an unclosed `**` or code fence) readable as plain text meanwhile.
 */
export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; items: Inline[][] }
  | { type: 'code'; text: string };

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const FENCE = /^\s*```/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (FENCE.test(line)) {
      const end = lines.findIndex((candidate, j) => j > i && FENCE.test(candidate));
      // An unclosed fence (still streaming) runs to the end of the text.
      const body = lines.slice(i + 1, end === -1 ? lines.length : end);
      flush();
      blocks.push({ type: 'code', text: body.join('\n') });
      i = end === -1 ? lines.length : end;
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      flush();
      const ordered = Boolean(numbered);
      const item = parseInline((bullet ?? numbered)?.[1] ?? '');
      const last = blocks.at(-1);
      if (last?.type === 'list' && last.ordered === ordered) last.items.push(item);
      else blocks.push({ type: 'list', ordered, items: [item] });
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return blocks;
}

const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const push = (node: Inline) => {
    if (plain) out.push({ type: 'text', text: plain });
    plain = '';
    out.push(node);
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const found = matchInline(rest);
    if (!found) {
      plain += text[i];
      i += 1;
      continue;
    }
    push(found.node);
    i += found.length;
  }
  if (plain) out.push({ type: 'text', text: plain });
  return out;
}

/** The inline construct at the start of `rest`, if any, and how many characters it spans. */
function matchInline(rest: string): { node: Inline; length: number } | undefined {
  const code = /^`([^`\n]+)`/.exec(rest);
  if (code) return { node: { type: 'code', text: code[1] as string }, length: code[0].length };
  const strong = /^\*\*([^*\n](?:[^\n]*?[^*\n])?)\*\*/.exec(rest);
  if (strong)
    return { node: { type: 'strong', children: parseInline(strong[1] as string) }, length: strong[0].length };
  const em = /^\*([^*\s](?:[^*\n]*?[^*\s])?)\*/.exec(rest);
  if (em) return { node: { type: 'em', children: parseInline(em[1] as string) }, length: em[0].length };
  const link = /^\[([^\]\n]+)\]\(([^)\s]+)\)/.exec(rest);
  if (link && SAFE_HREF.test(link[2] as string))
    return {
      node: { type: 'link', href: link[2] as string, children: parseInline(link[1] as string) },
      length: link[0].length,
    };
  return undefined;
}
