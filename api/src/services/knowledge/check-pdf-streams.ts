import { inflateSync, constants as zlib } from 'node:zlib';

/** A PDF whose compressed streams inflate past the limit (a decompression bomb). */
export class PdfExpansionError extends Error {
  override readonly name = 'PdfExpansionError';
}

/**
 * Inflates every Flate stream of a PDF (and a Flate stream inside it: filters can be chained)
 * with the bytes left of `maxExpandedBytes` as a hard output cap, before the PDF reader sees
 * the file. The reader inflates object streams and page contents on demand, into memory the
 * heap cap does not count; here a bomb stops at the cap instead. Streams that are not Flate,
 * or are corrupt, are left to the reader.
 */
export function checkPdfStreams(pdf: Buffer, maxExpandedBytes: number): void {
  let left = maxExpandedBytes;
  const inflateCapped = (data: Buffer, depth: number): void => {
    // zlib streams start with 0x78 (deflate, 32 KB window); anything else is another filter.
    if (data.length < 2 || data[0] !== 0x78 || depth > 4) return;
    let inflated: Buffer;
    try {
      inflated = inflateSync(data, { maxOutputLength: left + 1, finishFlush: zlib.Z_SYNC_FLUSH });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxExpandedBytes);
      return;
    }
    left -= inflated.length;
    if (left < 0) throw tooLarge(maxExpandedBytes);
    inflateCapped(inflated, depth + 1);
  };
  let at = 0;
  for (;;) {
    const keyword = pdf.indexOf('stream', at, 'latin1');
    if (keyword === -1) return;
    let start = keyword + 6;
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] === 0x0a) start++;
    // "endstream" contains "stream": skip it, and keywords not followed by an end of line.
    if (start === keyword + 6 || pdf.toString('latin1', keyword - 3, keyword) === 'end') {
      at = keyword + 6;
      continue;
    }
    const end = pdf.indexOf('endstream', start, 'latin1');
    if (end === -1) return;
    inflateCapped(pdf.subarray(start, end), 0);
    at = end + 9;
  }
}

function tooLarge(limit: number): PdfExpansionError {
  return new PdfExpansionError(`its compressed streams expand past ${limit} bytes`);
}
