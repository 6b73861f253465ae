import { describe, expect, it } from 'vitest';
import { docxLyingAboutSize, docxZipBomb, writeZip } from '../../testing/hostile-documents.js';
import { checkZipEntries } from './check-zip-entries.js';

describe('checkZipEntries', () => {
  it('accepts an honest archive under the cap', () => {
    const zip = writeZip([{ name: 'a.xml', data: Buffer.alloc(10_000, 'a') }]);
    expect(() => checkZipEntries(zip, 20_000)).not.toThrow();
  });

  it('refuses by declared size, before inflating anything', async () => {
    const { docx } = await docxZipBomb(80 * 1024 * 1024);
    const started = performance.now();
    expect(() => checkZipEntries(docx, 64 * 1024 * 1024)).toThrow(
      expect.objectContaining({ reason: 'EXPANDS_TOO_MUCH' }),
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops an entry at its declared size when it inflates further', async () => {
    const docx = await docxLyingAboutSize(5_000_000);
    expect(() => checkZipEntries(docx, 64 * 1024 * 1024)).toThrow(
      expect.objectContaining({ reason: 'SIZE_MISMATCH' }),
    );
  });

  it('refuses what is not a zip', () => {
    expect(() => checkZipEntries(Buffer.from('plain text, no archive'), 1000)).toThrow(
      expect.objectContaining({ reason: 'MALFORMED_ZIP' }),
    );
  });
});
