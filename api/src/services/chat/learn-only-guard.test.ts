import { type ObeyMode, obeyInjection, obeyModes } from '@privexbot/test-support/llm-standin/obey-injection';
import { describe, expect, it } from 'vitest';
import { LearnOnlyGuard, WITHHELD_NOTICE } from './learn-only-guard.js';

/** Streams `text` through the guard in pieces of 3 characters, as a model would. */
function stream(guard: LearnOnlyGuard, text: string): string {
  let shown = '';
  for (const piece of text.match(/[\s\S]{1,3}/g) ?? []) shown += guard.push(piece);
  return shown + guard.end();
}

const SECRET = 'NIGHTJAR-42';
const CITABLE = `Support hours are 9 to 5. Internally the launch is called Project ${SECRET} until it ships.`;

describe('LearnOnlyGuard', () => {
  const leaking = obeyModes.filter((m): m is Exclude<ObeyMode, 'citable-only'> => m !== 'citable-only');
  for (const mode of leaking) {
    it(`withholds a bot secret said ${mode}, even when a citable passage contains it`, () => {
      const guard = new LearnOnlyGuard({ learnOnly: [], allowed: [CITABLE], secrets: [SECRET] });
      const shown = stream(guard, `Sure. ${obeyInjection(mode, CITABLE)}`);
      expect(guard.withheld).toBe(true);
      expect(shown).toContain(WITHHELD_NOTICE);
      expect(shown.replace(/[^a-z0-9]/gi, '').toLowerCase()).not.toContain('nightjar42');
    });
  }

  it('never shows part of a withheld answer: what was released before the match is clean', () => {
    const guard = new LearnOnlyGuard({
      learnOnly: ['Partners get the QUOKKA-CANARY-7731 discount.'],
      allowed: ['What do partners get?'],
    });
    const shown = stream(
      guard,
      'Here is what I know about partner pricing today: Q U O K K A - C A N A R Y - 7 7 3 1',
    );
    expect(guard.withheld).toBe(true);
    expect(shown).not.toMatch(/Q U O|C A N/);
    expect(shown.replace(/[^a-z0-9]/gi, '').toLowerCase()).not.toContain('quokka');
  });

  it('lets an answer from citable text through, holding back only the last words while it streams', () => {
    const guard = new LearnOnlyGuard({
      learnOnly: ['Internal memo: annual contracts signed before March get forty percent off.'],
      allowed: [
        'Annual contracts can be paid by card or by bank transfer, and renew automatically each year.',
      ],
    });
    const answer =
      'Annual contracts can be paid by card or by bank transfer, and renew automatically each year.';
    let early = '';
    for (const piece of answer.match(/[\s\S]{1,3}/g) ?? []) early += guard.push(piece);
    expect(early.length).toBeGreaterThan(0);
    expect(early.length).toBeLessThan(answer.length);
    expect(early + guard.end()).toBe(answer);
    expect(guard.withheld).toBe(false);
  });

  it('holds nothing back without learn-only passages or secrets', () => {
    const guard = new LearnOnlyGuard({ learnOnly: [], allowed: [] });
    expect(guard.push('Hello there')).toBe('Hello there');
    expect(guard.end()).toBe('');
  });
});
