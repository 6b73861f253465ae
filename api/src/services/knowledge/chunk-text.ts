export interface TextChunk {
  ordinal: number;
  text: string;
}

export interface ChunkingOptions {
  /** Target chunk size in characters (about 4 characters per token). */
  maxChars: number;
  /** Characters of the previous chunk repeated at the start of the next, within a section. */
  overlapChars: number;
}

export const defaultChunking: ChunkingOptions = { maxChars: 1000, overlapChars: 150 };

/**
 * Structure-aware chunking. Markdown headings open sections; a chunk never spans two
 * sections, and every chunk starts with its heading trail ("Guide > Returns") so it is
 * understandable and findable on its own. Inside a section, paragraphs are packed up to
 * `maxChars`; a paragraph that is too long is split at sentence ends, then at spaces.
 * Consecutive chunks of one section overlap by up to `overlapChars`, cut at a word boundary.
 */
export function chunkText(text: string, options: ChunkingOptions = defaultChunking): TextChunk[] {
  const sections = splitSections(text);
  const chunks: TextChunk[] = [];
  for (const section of sections) {
    const trail = section.trail.join(' > ');
    const prefix = trail ? `${trail}\n` : '';
    const budget = Math.max(200, options.maxChars - prefix.length);
    const pieces = section.paragraphs.flatMap((p) => splitLong(p, budget));
    let current = '';
    let previousTail = '';
    const flush = () => {
      if (!current) return;
      chunks.push({ ordinal: chunks.length, text: `${prefix}${current}` });
      previousTail = tailOf(current, options.overlapChars);
      current = '';
    };
    for (const piece of pieces) {
      if (!current) {
        current =
          previousTail && previousTail.length + piece.length + 2 <= budget
            ? `${previousTail}\n\n${piece}`
            : piece;
      } else if (current.length + piece.length + 2 <= budget) {
        current = `${current}\n\n${piece}`;
      } else {
        flush();
        current =
          previousTail && previousTail.length + piece.length + 2 <= budget
            ? `${previousTail}\n\n${piece}`
            : piece;
      }
    }
    flush();
    // A heading with no body still says something (a title): keep it.
    if (pieces.length === 0 && trail) chunks.push({ ordinal: chunks.length, text: trail });
  }
  return chunks;
}

interface Section {
  trail: string[];
  paragraphs: string[];
}

function splitSections(text: string): Section[] {
  const sections: Section[] = [];
  const trail: string[] = [];
  let current: Section = { trail: [], paragraphs: [] };
  let paragraph: string[] = [];
  const endParagraph = () => {
    const joined = paragraph.join(' ').replace(/\s+/g, ' ').trim();
    if (joined) current.paragraphs.push(joined);
    paragraph = [];
  };
  // Inside a fenced code block a `# comment` is code, not a heading: taken as one it would
  // cut the page's title off the trail of every chunk until the next real heading.
  let fence: string | undefined;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const fenceMark = line.match(/^\s*(`{3,}|~{3,})/)?.[1];
    if (fenceMark && (!fence || fenceMark.startsWith(fence))) fence = fence ? undefined : fenceMark;
    const heading = fence || fenceMark ? null : line.match(/^(#{1,6})\s+(.+?)\s*#*\s*$/);
    if (heading) {
      endParagraph();
      if (current.paragraphs.length || current.trail.length) sections.push(current);
      const level = (heading[1] as string).length;
      trail.splice(level - 1);
      while (trail.length < level - 1) trail.push('');
      trail.push((heading[2] as string).trim());
      current = { trail: trail.filter(Boolean), paragraphs: [] };
    } else if (line.trim() === '') {
      endParagraph();
    } else {
      paragraph.push(line.trim());
    }
  }
  endParagraph();
  if (current.paragraphs.length || current.trail.length) sections.push(current);
  return sections;
}

function splitLong(paragraph: string, budget: number): string[] {
  if (paragraph.length <= budget) return [paragraph];
  const sentences = paragraph.match(/[^.!?]+(?:[.!?]+|$)\s*/g) ?? [paragraph];
  const out: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    if (sentence.length > budget) {
      if (current) out.push(current.trim());
      current = '';
      out.push(...splitAtSpaces(sentence, budget));
    } else if (current.length + sentence.length > budget) {
      out.push(current.trim());
      current = sentence;
    } else current += sentence;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function splitAtSpaces(text: string, budget: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest.length > budget) {
    let cut = rest.lastIndexOf(' ', budget);
    if (cut < budget / 2) cut = budget;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}

function tailOf(text: string, maxChars: number): string {
  // A short chunk is not repeated whole: overlap is for long sections.
  if (maxChars <= 0 || text.length <= maxChars) return '';
  const slice = text.slice(-maxChars);
  const space = slice.indexOf(' ');
  return space >= 0 ? slice.slice(space + 1) : slice;
}
