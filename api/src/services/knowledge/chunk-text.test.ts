import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkText } from './chunk-text.js';

describe('chunkText', () => {
  it('keeps sections apart and prefixes each chunk with its heading trail', () => {
    const chunks = chunkText(
      '# Guide\n\nIntro text.\n\n## Returns\n\nReturn within 30 days.\n\n## Shipping\n\nShips in 2 days.',
    );
    expect(chunks.map((c) => c.text)).toEqual([
      'Guide\nIntro text.',
      'Guide > Returns\nReturn within 30 days.',
      'Guide > Shipping\nShips in 2 days.',
    ]);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2]);
  });

  it('reads a # comment inside a fenced code block as code, keeping the page on the trail', () => {
    const chunks = chunkText(
      '# Sockets\n\n## Client\n\nConnect like this:\n\n```\n# needs a valid certificate\nctx = make()\n```\n\nThen send.',
    );
    expect(chunks.map((c) => c.text.split('\n')[0])).toEqual(['Sockets', 'Sockets > Client']);
    expect(chunks[1]?.text).toContain('# needs a valid certificate');
    expect(chunks[1]?.text).toContain('Then send.');
  });

  it('packs paragraphs up to the size and overlaps consecutive chunks of a section', () => {
    const paragraphs = Array.from(
      { length: 30 },
      (_, i) => `Sentence number ${i} talks about item ${i} in some detail.`,
    );
    const chunks = chunkText(paragraphs.join('\n\n'), { maxChars: 300, overlapChars: 60 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(300);
    for (let i = 1; i < chunks.length; i++) {
      const previousEnd = (chunks[i - 1]?.text ?? '').slice(-20);
      expect(chunks[i]?.text).toContain(previousEnd);
    }
  });

  it('never loses a word and never exceeds the size, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.lorem({ maxCount: 60 }), fc.constantFrom('# Title', '## Part', '', 'x'.repeat(700))),
          { maxLength: 30 },
        ),
        (lines) => {
          const text = lines.join('\n');
          const chunks = chunkText(text, { maxChars: 400, overlapChars: 80 });
          const all = chunks.map((c) => c.text).join(' ');
          for (const word of text.match(/[^\s#]+/g) ?? []) expect(all).toContain(word.slice(0, 200));
          for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(400 + 200);
        },
      ),
      { numRuns: 100 },
    );
  });
});
