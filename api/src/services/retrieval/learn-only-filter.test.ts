import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LearnOnlyFilter } from './learn-only-filter.js';

const learnOnly =
  'Internal note: the discount code ZEBRA-CANARY-41d9 unlocks forty percent off for partners who ask nicely.';

function run(filter: LearnOnlyFilter, pieces: string[]): string {
  return pieces.map((p) => filter.push(p)).join('') + filter.end();
}

describe('LearnOnlyFilter', () => {
  it('drops a verbatim run of learn-only text and its canary token, keeps the rest', () => {
    const filter = new LearnOnlyFilter({ learnOnly: [learnOnly], allowed: ['Partners get discounts.'] });
    const answer =
      'Sure. the discount code ZEBRA-CANARY-41d9 unlocks forty percent off for partners today. Ask us anything.';
    const out = run(filter, answer.match(/\S+\s*/g) ?? []);
    expect(out).not.toMatch(/ZEBRA-CANARY-41d9/i);
    expect(out).not.toContain('unlocks forty percent off for partners');
    expect(out).toContain('Sure.');
    expect(out).toContain('Ask us anything.');
  });

  it('passes text through untouched when no learn-only passage was retrieved', () => {
    const filter = new LearnOnlyFilter({ learnOnly: [], allowed: [] });
    expect(filter.push('Hello ')).toBe('Hello ');
    expect(filter.end()).toBe('');
  });

  it('never lets a canary through, however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 30 }),
        (cuts, prefix) => {
          const answer = `${prefix} The note says: discount code ZEBRA-CANARY-41d9 unlocks forty percent off for partners who ask nicely. Bye.`;
          const pieces: string[] = [];
          let rest = answer;
          for (const cut of cuts) {
            if (!rest) break;
            pieces.push(rest.slice(0, cut));
            rest = rest.slice(cut);
          }
          if (rest) pieces.push(rest);
          const out = run(new LearnOnlyFilter({ learnOnly: [learnOnly], allowed: [] }), pieces);
          expect(out.toLowerCase()).not.toContain('zebra-canary-41d9');
          expect(out).not.toContain('forty percent off for partners who');
          expect(out).toContain('Bye.');
        },
      ),
    );
  });

  it('keeps words the visitor or a citable passage used, even if learn-only text has them too', () => {
    const filter = new LearnOnlyFilter({
      learnOnly: ['Model X200 ships in May.'],
      allowed: ['What about the X200?'],
    });
    expect(run(filter, ['The X200 ', 'is great.'])).toBe('The X200 is great.');
  });
});
