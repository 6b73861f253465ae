import { parse as parseCsv } from 'csv-parse/sync';
import { convert as htmlToText } from 'html-to-text';
import { checkPdfStreams, PdfExpansionError } from './check-pdf-streams.js';
import { checkZipDeclaredSizes, checkZipEntries, ZipExpansionError } from './check-zip-entries.js';

/** The document formats knowledge can be ingested from. */
export const documentFormats = ['text', 'markdown', 'html', 'pdf', 'docx', 'csv', 'json'] as const;
export type DocumentFormat = (typeof documentFormats)[number];

const formatByMimeType: Record<string, DocumentFormat> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/csv': 'csv',
  'application/json': 'json',
};
const formatByExtension: Record<string, DocumentFormat> = {
  txt: 'text',
  text: 'text',
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  pdf: 'pdf',
  docx: 'docx',
  csv: 'csv',
  json: 'json',
};

export const ingestibleMimeTypes = Object.keys(formatByMimeType);

/** The format of a file from its declared type, else its extension; undefined when unsupported. */
export function detectFormat(options: {
  mimeType?: string | undefined;
  fileName?: string | undefined;
}): DocumentFormat | undefined {
  const mime = options.mimeType?.split(';')[0]?.trim().toLowerCase();
  if (mime && formatByMimeType[mime]) return formatByMimeType[mime];
  const extension = options.fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return extension ? formatByExtension[extension] : undefined;
}

export class DocumentParseError extends Error {
  override readonly name = 'DocumentParseError';
}

/** A document past a size limit: it expands, or yields text, beyond what one source may hold. */
export class DocumentTooLargeError extends DocumentParseError {
  constructor(
    message: string,
    readonly reason: Uppercase<string>,
  ) {
    super(message);
  }
}

export interface DocumentLimits {
  /** Bytes an archive (DOCX) or the compressed streams of a PDF may inflate to, all together. */
  maxExpandedBytes: number;
  /** Characters of extracted text, and of one CSV record. */
  maxTextChars: number;
}

export const defaultDocumentLimits: DocumentLimits = {
  maxExpandedBytes: 64 * 1024 * 1024,
  maxTextChars: 20_000_000,
};

/**
 * The checks that cost next to nothing, for the caller's thread before a parse is started:
 * the sizes a DOCX declares, and the longest line of a CSV (a native scan).
 */
export function preflightDocument(format: DocumentFormat, content: Buffer, limits: DocumentLimits): void {
  if (format === 'docx') {
    try {
      checkZipDeclaredSizes(content, limits.maxExpandedBytes);
    } catch (error) {
      if (error instanceof ZipExpansionError && error.reason !== 'MALFORMED_ZIP') {
        throw new DocumentTooLargeError(`the docx document is refused: ${error.message}`, error.reason);
      }
      // A malformed archive is the parser's to report, with its own words.
    }
  }
  if (format === 'csv') {
    let start = 0;
    while (start < content.length) {
      const end = content.indexOf(0x0a, start);
      const lineEnd = end === -1 ? content.length : end;
      if (lineEnd - start > maxCsvRecordChars) throw csvRecordTooLong();
      start = lineEnd + 1;
    }
  }
}

/**
 * Extracts the text of a document, keeping its structure where the format has one: headings
 * become Markdown `#` lines and paragraphs stay separated by blank lines, which the chunker
 * splits on. Scripts, styles and navigation of HTML pages are dropped.
 */
export async function parseDocument(
  format: DocumentFormat,
  content: Buffer,
  limits: DocumentLimits = defaultDocumentLimits,
): Promise<string> {
  const text = await extractText(format, content, limits);
  if (text.length > limits.maxTextChars) {
    throw new DocumentTooLargeError(
      `the document holds ${text.length} characters of text; the limit is ${limits.maxTextChars}`,
      'TOO_MUCH_TEXT',
    );
  }
  return text;
}

async function extractText(format: DocumentFormat, content: Buffer, limits: DocumentLimits): Promise<string> {
  try {
    switch (format) {
      case 'text':
      case 'markdown':
        return decodeUtf8(content);
      case 'html':
        return htmlToStructuredText(decodeUtf8(content));
      // The PDF and DOCX parsers are large (pdf.js, a zip reader): loaded on first use, so an
      // api process that never ingests such a file never holds them in memory.
      case 'docx': {
        checkZipEntries(content, limits.maxExpandedBytes);
        const { default: mammoth } = await import('mammoth');
        const { value } = await mammoth.convertToHtml({ buffer: content });
        return htmlToStructuredText(value);
      }
      case 'pdf': {
        checkPdfStreams(content, limits.maxExpandedBytes);
        const { extractText, getDocumentProxy } = await import('unpdf');
        const pdf = await getDocumentProxy(new Uint8Array(content));
        const { text } = await extractText(pdf, { mergePages: false });
        return (text as string[])
          .map((page) => page.trim())
          .filter(Boolean)
          .join('\n\n');
      }
      case 'csv':
        return csvToText(decodeUtf8(content));
      case 'json':
        return jsonToText(JSON.parse(decodeUtf8(content)) as unknown);
    }
  } catch (error) {
    if (error instanceof DocumentParseError) throw error;
    if (error instanceof ZipExpansionError && error.reason !== 'MALFORMED_ZIP') {
      throw new DocumentTooLargeError(`the ${format} document is refused: ${error.message}`, error.reason);
    }
    if (error instanceof PdfExpansionError) {
      throw new DocumentTooLargeError(`the pdf document is refused: ${error.message}`, 'EXPANDS_TOO_MUCH');
    }
    if ((error as { code?: string }).code === 'CSV_MAX_RECORD_SIZE') throw csvRecordTooLong();
    throw new DocumentParseError(
      `the ${format} document could not be read: ${(error as Error).message.slice(0, 200)}`,
      { cause: error },
    );
  }
}

function decodeUtf8(content: Buffer): string {
  // fatal: a binary file sent as text is refused instead of indexed as mojibake.
  return new TextDecoder('utf-8', { fatal: true }).decode(content).replace(/^\uFEFF/, '');
}

function htmlToStructuredText(html: string): string {
  const heading = (level: number) => ({
    selector: `h${level}`,
    format: 'markdownHeading',
    options: { level },
  });
  return htmlToText(html, {
    wordwrap: false,
    formatters: {
      markdownHeading(element, walk, builder, options) {
        builder.openBlock({ leadingLineBreaks: 2 });
        builder.addInline(`${'#'.repeat((options as { level?: number }).level ?? 1)} `);
        walk(element.children, builder);
        builder.closeBlock({ trailingLineBreaks: 2 });
      },
      // Fenced, so the chunker reads a `# comment` in a code sample as code, not a heading.
      fencedCode(element, walk, builder) {
        builder.openBlock({ leadingLineBreaks: 2 });
        builder.addLiteral('```');
        builder.closeBlock({ trailingLineBreaks: 1 });
        builder.openBlock({ isPre: true, leadingLineBreaks: 1 });
        walk(element.children, builder);
        builder.closeBlock({ trailingLineBreaks: 1 });
        builder.openBlock({ leadingLineBreaks: 1 });
        builder.addLiteral('```');
        builder.closeBlock({ trailingLineBreaks: 2 });
      },
    },
    selectors: [
      ...[1, 2, 3, 4, 5, 6].map(heading),
      { selector: 'pre', format: 'fencedCode' },
      // The pilcrow documentation generators put after each heading as its permalink.
      { selector: 'a.headerlink', format: 'skip' },
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'head', format: 'skip' },
    ],
  });
}

/** One paragraph per row, "column: value" pairs, so each row is retrievable on its own. */
/** A row this long is not a table row: one huge line would otherwise be buffered whole. */
const maxCsvRecordChars = 1_000_000;

function csvRecordTooLong(): DocumentTooLargeError {
  return new DocumentTooLargeError(
    `a row of this CSV is longer than ${maxCsvRecordChars} characters`,
    'RECORD_TOO_LONG',
  );
}

function csvToText(csv: string): string {
  const rows = parseCsv(csv, {
    max_record_size: maxCsvRecordChars,
    columns: true,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
  }) as Record<string, string>[];
  return rows
    .map((row) =>
      Object.entries(row)
        .filter(([, value]) => value !== '')
        .map(([column, value]) => `${column}: ${value}`)
        .join('; '),
    )
    .join('\n\n');
}

/** "path: value" lines; each object inside an array becomes its own paragraph. */
function jsonToText(value: unknown): string {
  const paragraphs: string[] = [];
  const walk = (node: unknown, path: string, lines: string[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        if (item !== null && typeof item === 'object') {
          const itemLines: string[] = [];
          walk(item, path, itemLines);
          if (itemLines.length) paragraphs.push(itemLines.join('\n'));
        } else walk(item, `${path}[${index}]`, lines);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) walk(child, path ? `${path}.${key}` : key, lines);
    } else if (node !== null && node !== undefined) {
      lines.push(`${path || 'value'}: ${String(node)}`);
    }
  };
  const top: string[] = [];
  walk(value, '', top);
  return [top.join('\n'), ...paragraphs].filter(Boolean).join('\n\n');
}
