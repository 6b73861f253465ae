import { AppError, AppErrorCode } from '../../http/app-error.js';
import { fetchPublicUrl, UrlFetchError, type UrlFetchPolicy } from '../url-fetch/fetch-public-url.js';
import type { DocumentParser } from './document-parser.js';
import { type DocumentFormat, detectFormat, ingestibleMimeTypes } from './parse-document.js';
import type { CreateSourceBody } from './source-input.js';

export interface SourceContent {
  name: string;
  url: string | null;
  mimeType: string | null;
  format: DocumentFormat;
  /** Extracted text, whitespace-normalized: what is chunked, hashed and counted against storage. */
  text: string;
}

/** Gets and parses a source's document. Runs before any transaction (it may fetch a URL). */
export async function readSourceContent(
  input: CreateSourceBody,
  urlPolicy: Omit<UrlFetchPolicy, 'allowedContentTypes' | 'maxRedirects'>,
  parser: DocumentParser,
): Promise<SourceContent> {
  if (input.type === 'text') {
    return {
      name: input.name,
      url: null,
      mimeType: 'text/plain',
      format: 'markdown',
      text: normalize(input.text),
    };
  }
  if (input.type === 'file') {
    const format = detectFormat({ mimeType: input.mimeType, fileName: input.name });
    if (!format) {
      throw new AppError(
        AppErrorCode.UNSUPPORTED_MEDIA_TYPE,
        'supported files: txt, md, html, pdf, docx, csv, json',
        {
          details: { name: input.name, mimeType: input.mimeType ?? null },
        },
      );
    }
    const content = Buffer.from(input.contentBase64, 'base64');
    return {
      name: input.name,
      url: null,
      mimeType: input.mimeType ?? null,
      format,
      text: normalize(await parser.parse(format, content)),
    };
  }
  let fetched: Awaited<ReturnType<typeof fetchPublicUrl>>;
  try {
    fetched = await fetchPublicUrl(input.url, {
      ...urlPolicy,
      maxRedirects: 5,
      allowedContentTypes: ingestibleMimeTypes,
    });
  } catch (error) {
    if (!(error instanceof UrlFetchError)) throw error;
    const code =
      error.reason === 'too_large'
        ? AppErrorCode.PAYLOAD_TOO_LARGE
        : error.reason === 'unsupported_content_type'
          ? AppErrorCode.UNSUPPORTED_MEDIA_TYPE
          : error.reason === 'redirect_invalid'
            ? AppErrorCode.URL_REDIRECT_INVALID
            : AppErrorCode.VALIDATION_FAILED;
    throw new AppError(code, `the URL cannot be ingested: ${error.message}`, {
      // The fetch's failure kinds are also the crawl's page log entries; as a problem detail
      // the kind is a code, spelled like every other one.
      details: { reason: error.reason.toUpperCase() as Uppercase<typeof error.reason> },
    });
  }
  const format = detectFormat({ mimeType: fetched.contentType }) as DocumentFormat;
  return {
    name: input.name ?? fetched.url,
    url: fetched.url,
    mimeType: fetched.contentType,
    format,
    text: normalize(await parser.parse(format, fetched.body)),
  };
}

/** Same text, same hash: line endings, trailing spaces and runs of blank lines don't count. */
function normalize(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replaceAll('\u0000', '')
    .trim();
}
