import type { Embedder } from '../embeddings/embedder.js';

/**
 * What an embedder reads of a chunk. A chunk cut from the middle of a page often no longer says
 * what it is about; written behind its page's title ("Refund policy > Returns\n..."), its vector
 * keeps the topic. Users and citations still see the chunk's own text: only vectors change.
 *
 * The format is part of a bot's index identity: a bot's `embedder` names the model and, after
 * TITLED_SUFFIX, the format, so vectors of two formats never mix, and moving a bot to the new
 * format is an embedder change, re-embedded in the background like any other.
 */
export const TITLED_SUFFIX = '+titled';

/** The index identity of `embedderId` with titled passages. */
export function titledIndexId(embedderId: string): string {
  return embedderId.endsWith(TITLED_SUFFIX) ? embedderId : `${embedderId}${TITLED_SUFFIX}`;
}

/** A source's name as a title: a URL's or file's last segment, without extension, dashes as spaces. */
export function readableTitle(name: string): string {
  let title = name.trim();
  if (/^https?:\/\//i.test(title)) {
    try {
      const url = new URL(title);
      const segments = url.pathname.split('/').filter(Boolean);
      if (segments.length === 0) return url.hostname;
      title = decodeURIComponent(segments.at(-1) as string);
    } catch {
      return '';
    }
  }
  if (!/\s/.test(title)) title = title.replace(/\.[a-z0-9]{1,5}$/i, '').replace(/[-_]+/g, ' ');
  return title.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/**
 * The text embedded for a chunk under its bot's index identity. A chunk from the chunker starts
 * with its heading trail on a line of its own (its paragraphs are separated by blank lines):
 * the title joins that trail; a chunk without one gets the title as a line above it. A trail
 * that already starts with the title (an HTML page's h1) is left as it is.
 */
export function passageText(indexId: string, chunk: { title: string | null; text: string }): string {
  if (!indexId.endsWith(TITLED_SUFFIX)) return chunk.text;
  const title = readableTitle(chunk.title ?? '');
  if (!title || chunk.text.toLowerCase().startsWith(title.toLowerCase())) return chunk.text;
  const firstBreak = chunk.text.indexOf('\n');
  const startsWithTrail = firstBreak > 0 && chunk.text[firstBreak + 1] !== '\n';
  return startsWithTrail ? `${title} > ${chunk.text}` : `${title}\n${chunk.text}`;
}

/** The same model under its titled index identity; closing stays with the model's own entry. */
export function titledEmbedder(model: Embedder): Embedder {
  return {
    id: titledIndexId(model.id),
    embed: (texts, signal, purpose) => model.embed(texts, signal, purpose),
  };
}
