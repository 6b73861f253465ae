import { afterAll, describe, expect, it } from 'vitest';
import { DocumentParser, type DocumentParserSettings } from './document-parser.js';

const defaults: DocumentParserSettings = {
  timeoutMs: 20_000,
  maxMemoryMb: 384,
  maxExpandedBytes: 64 * 1024 * 1024,
  maxTextChars: 20_000_000,
  uploadsPerOrg: 2,
  processes: 2,
};
const parsers: DocumentParser[] = [];
const parserWith = (settings: Partial<DocumentParserSettings>) => {
  const parser = new DocumentParser({ ...defaults, ...settings });
  parsers.push(parser);
  return parser;
};
afterAll(async () => {
  await Promise.all(parsers.map((parser) => parser.close()));
});

/** JSON of `count` objects: parsing it builds far more heap than its bytes. */
const manyObjects = (count: number) =>
  Buffer.from(`[${Array.from({ length: count }, (_, i) => `{"n":${i},"name":"item ${i}"}`).join(',')}]`);

describe('DocumentParser', () => {
  it('parses an ordinary document in a child process', async () => {
    const text = await parserWith({}).parse('csv', Buffer.from('plan,price\nCanyon,29 EUR\n'));
    expect(text).toBe('plan: Canyon; price: 29 EUR');
  });

  it('stops a parse past its heap cap with 413 DOCUMENT_TOO_LARGE, and parses again afterwards', async () => {
    const parser = parserWith({ maxMemoryMb: 32 });
    await expect(parser.parse('json', manyObjects(1_500_000))).rejects.toMatchObject({
      code: 'DOCUMENT_TOO_LARGE',
      details: { reason: 'PARSE_MEMORY', limitMb: 32 },
    });
    expect(await parser.parse('text', Buffer.from('still here'))).toBe('still here');
  });

  it('stops a parse past its deadline with 422 DOCUMENT_UNPARSABLE', async () => {
    const parser = parserWith({ timeoutMs: 150 });
    const started = performance.now();
    await expect(parser.parse('json', manyObjects(1_500_000))).rejects.toMatchObject({
      code: 'DOCUMENT_UNPARSABLE',
      details: { reason: 'PARSE_TIMEOUT', limitMs: 150 },
    });
    // Generous: the thread is stopped at the deadline, not when the parse would have ended.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('refuses text past the cap of one source', async () => {
    await expect(
      parserWith({ maxTextChars: 1000 }).parse('text', Buffer.alloc(5000, 'a')),
    ).rejects.toMatchObject({
      code: 'DOCUMENT_TOO_LARGE',
      details: { reason: 'TOO_MUCH_TEXT' },
    });
  });
});
