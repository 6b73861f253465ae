import { describe, expect, it } from 'vitest';
import { chunkText } from './chunk-text.js';
import { passageText, readableTitle, titledIndexId } from './passage-text.js';

const TITLED = titledIndexId('all-minilm-l6-v2-q');

describe('passageText', () => {
  it('puts the title in front of the heading trail, or above a chunk that has none', () => {
    const [withTrail, another] = chunkText(
      '## Returns\n\nReturn within 30 days.\n\n## Shipping\n\nShips in 2 days.',
    );
    expect(passageText(TITLED, { title: 'Refund policy', text: withTrail?.text ?? '' })).toBe(
      'Refund policy > Returns\nReturn within 30 days.',
    );
    expect(passageText(TITLED, { title: 'Refund policy', text: another?.text ?? '' })).toBe(
      'Refund policy > Shipping\nShips in 2 days.',
    );
    const [bare] = chunkText('Items are reimbursed within thirty days.\n\nTo the original card.');
    expect(passageText(TITLED, { title: 'refund-policy.pdf', text: bare?.text ?? '' })).toBe(
      'refund policy\nItems are reimbursed within thirty days.\n\nTo the original card.',
    );
  });

  it('leaves a trail that already starts with the title, and plain indexes, as they are', () => {
    const [page] = chunkText('# Refund policy\n\n## Returns\n\nReturn within 30 days.');
    expect(passageText(TITLED, { title: 'Refund policy', text: page?.text ?? '' })).toBe(page?.text);
    expect(passageText('all-minilm-l6-v2-q', { title: 'Other', text: 'Some text.' })).toBe('Some text.');
    expect(passageText(TITLED, { title: null, text: 'Some text.' })).toBe('Some text.');
  });

  it('reads titles out of file names and URLs', () => {
    expect(readableTitle('refund_policy-2024.docx')).toBe('refund policy 2024');
    expect(readableTitle('https://docs.example.com/help/getting-started.html')).toBe('getting started');
    expect(readableTitle('https://docs.example.com/')).toBe('docs.example.com');
    expect(readableTitle('Our shipping rules')).toBe('Our shipping rules');
  });

  it('names the titled index identity once, however often asked', () => {
    expect(TITLED).toBe('all-minilm-l6-v2-q+titled');
    expect(titledIndexId(TITLED)).toBe(TITLED);
  });
});
