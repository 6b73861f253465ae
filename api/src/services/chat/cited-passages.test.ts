import { describe, expect, it } from 'vitest';
import { citedPassageIndexes } from './cited-passages.js';

describe('which passages an answer cites', () => {
  it("takes the gateway's list when it sends one, dropping indexes it never sent", () => {
    expect(citedPassageIndexes({ answer: 'x [1] [2]', passageCount: 3, cited: [2, 0, 2, 7, -1] })).toEqual([
      0, 2,
    ]);
    // The fallback message: the gateway says nothing was quoted.
    expect(citedPassageIndexes({ answer: 'Sorry.', passageCount: 3, cited: [] })).toEqual([]);
  });

  it("maps a language model's [n] markers to the passages it was given, numbered from 1", () => {
    expect(
      citedPassageIndexes({ answer: 'Refunds take 30 days [2]. See also [2] and [3].', passageCount: 3 }),
    ).toEqual([1, 2]);
    // A marker naming no passage it was given maps to nothing.
    expect(citedPassageIndexes({ answer: 'As [9] says [0].', passageCount: 3 })).toBeUndefined();
  });

  it('cites everything, as before, when the answer names no passage', () => {
    expect(
      citedPassageIndexes({ answer: 'Refunds take 30 days (see policy.md).', passageCount: 3 }),
    ).toBeUndefined();
  });
});
