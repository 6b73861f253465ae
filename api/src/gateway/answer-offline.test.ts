import { describe, expect, it } from 'vitest';
import { composeOfflineAnswer, OFFLINE_NOTHING_FOUND } from './answer-offline.js';

const ask = (question: string, passages: { text: string; source?: string }[], fallback_message?: string) =>
  composeOfflineAnswer({
    model: 'any',
    messages: [{ role: 'user', content: question }],
    passages,
    ...(fallback_message ? { fallback_message } : {}),
  } as Parameters<typeof composeOfflineAnswer>[0]);

const NOT_OFFLINE_WORDING = /offline|language model|no model/i;

describe('offline answers', () => {
  it('quote plain sentences: no markdown syntax, no notice about the missing model', () => {
    const answer = ask('How long is the refund window?', [
      {
        text: '# Refund policy\n\nThe **refund window** is [30 days](/policy#window) from `delivery`. Shipping is free.',
        source: 'policy.md',
      },
    ]);
    expect(answer).toBe('The refund window is 30 days from delivery. [policy.md]');
    expect(answer).not.toMatch(/\*\*|\]\(|#/);
    expect(answer).not.toMatch(NOT_OFFLINE_WORDING);
  });

  it('keep a list as a list, one item per line, quoted whole after the sentence that introduces it', () => {
    const answer = ask('which payment cards are accepted', [
      {
        text: 'Accepted payment cards:\n- **Visa**\n- Mastercard\n* [Amex](/amex)\n\nCash is not taken.',
        source: 'pay.md',
      },
    ]);
    expect(answer).toBe('Accepted payment cards:\n- Visa\n- Mastercard\n- Amex [pay.md]');
  });

  it('cite only the passage that holds the answer when it is the second of three', () => {
    const answer = ask('How many days until refunds are paid back?', [
      { text: 'Our office in Lisbon opens at nine.', source: 'office.md' },
      {
        text: 'Refunds are paid back to the original card within 30 days of the return. Gift cards are kept.',
        source: 'refunds.md',
      },
      { text: 'Shipping to Portugal takes five days; returns are free.', source: 'shipping.md' },
    ]);
    expect(answer).toBe(
      'Refunds are paid back to the original card within 30 days of the return. [refunds.md]',
    );
    expect(answer).not.toMatch(/office\.md|shipping\.md/);
    expect(answer).not.toMatch(NOT_OFFLINE_WORDING);
  });

  it('cite only the passages they quote, each once', () => {
    const answer = ask('refund window days', [
      { text: 'Our office is in Lisbon.', source: 'office.md' },
      { text: 'The refund window is 30 days. Refunds reach the card in 5 days.', source: 'policy.md' },
    ]);
    expect(answer).toBe('The refund window is 30 days. Refunds reach the card in 5 days. [policy.md]');
    expect(answer).not.toContain('office.md');
  });

  it("say the bot's fallback message, with no citation, when nothing matches", () => {
    const fallback = 'Sorry, I cannot help with that here: write to help@example.com.';
    const passages = [
      { text: 'Refunds are paid back within 30 days.', source: 'refunds.md' },
      { text: 'Shipping to Portugal takes five days.', source: 'shipping.md' },
    ];
    expect(ask('Do you sell gift vouchers?', passages, fallback)).toBe(fallback);
    // One incidental shared word ("days") is not an answer.
    expect(ask('Which days of the week is the support team on the phone?', passages, fallback)).toBe(
      fallback,
    );
    expect(ask('Do you sell gift vouchers?', passages)).toBe(OFFLINE_NOTHING_FOUND);
    expect(OFFLINE_NOTHING_FOUND).not.toMatch(NOT_OFFLINE_WORDING);
  });
});
