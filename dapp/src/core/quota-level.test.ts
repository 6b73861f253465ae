import { describe, expect, it } from 'vitest';
import { quotaLevel } from './quota-level.js';

describe('quotaLevel', () => {
  it('names the highest of the 70, 85 and 95 % marks reached', () => {
    expect(quotaLevel(69, 100)).toEqual({ percent: 69, crossed: undefined, exhausted: false });
    expect(quotaLevel(70, 100)).toEqual({ percent: 70, crossed: 70, exhausted: false });
    expect(quotaLevel(4_250, 5_000)).toEqual({ percent: 85, crossed: 85, exhausted: false });
    expect(quotaLevel(99, 100)).toEqual({ percent: 99, crossed: 95, exhausted: false });
    expect(quotaLevel(100, 100)).toEqual({ percent: 100, crossed: 95, exhausted: true });
  });
  it('has no level without a limit', () => {
    expect(quotaLevel(10_000, null)).toEqual({ percent: null, crossed: undefined, exhausted: false });
  });
});
