import { describe, expect, it } from 'vitest';
import { composeOfflineAnswer, OFFLINE_NOTHING_FOUND } from './answer-offline.js';

const ask = (question: string, passages: { text: string; source?: string }[]) =>
  composeOfflineAnswer({
    model: 'any',
    messages: [{ role: 'user', content: question }],
    passages,
  } as Parameters<typeof composeOfflineAnswer>[0]);

describe('offline answers', () => {
  it('quote plain sentences: no markdown syntax, no notice about the missing model', () => {
    const answer = ask('How long is the refund window?', [
      {
        text: '# Refund policy\n\nThe **refund window** is [30 days](/policy#window) from `delivery`. Shipping is free.',
        source: 'policy.md',
      },
    ]);
    expect(answer).toBe('The refund window is 30 days from delivery. [policy.md]');
    expect(answer).not.toMatch(/offline|language model|\*\*|\]\(|#/i);
  });

  it('keep a list as a list, one item per line', () => {
    const answer = ask('which payment cards are accepted', [
      {
        text: 'Accepted payment cards:\n- **Visa** cards\n- Mastercard cards\n* Amex cards',
        source: 'pay.md',
      },
    ]);
    expect(answer).toBe('Accepted payment cards:\n- Visa cards\n- Mastercard cards [pay.md]');
  });

  it('cite only the passages they quote, each once', () => {
    const answer = ask('refund window days', [
      { text: 'Our office is in Lisbon.', source: 'office.md' },
      { text: 'The refund window is 30 days. Refunds reach the card in 5 days.', source: 'policy.md' },
    ]);
    expect(answer).toBe('The refund window is 30 days. Refunds reach the card in 5 days. [policy.md]');
    expect(answer).not.toContain('office.md');
  });

  it('say plainly when nothing matches', () => {
    expect(ask('opening hours', [{ text: 'Unrelated words only.' }])).toBe(OFFLINE_NOTHING_FOUND);
    expect(OFFLINE_NOTHING_FOUND).not.toMatch(/offline|model/i);
  });
});
