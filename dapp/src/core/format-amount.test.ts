import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.js';
import { formatAmount, parseAmount } from './format-amount.js';

describe('amounts', () => {
  it('format base units without rounding', () => {
    expect(formatAmount('9990000')).toBe('9.99');
    expect(formatAmount('1500000000')).toBe('1,500');
    expect(formatAmount('1')).toBe('0.000001');
    expect(formatAmount('123456789012345678901234567890')).toBe('123,456,789,012,345,678,901,234.56789');
  });

  it('parse what a user types into base units', () => {
    expect(parseAmount('9.99')).toBe('9990000');
    expect(parseAmount(' 1,500 ')).toBe('1500000000');
    expect(parseAmount('0.000001')).toBe('1');
  });

  it('refuse what is not a positive amount', () => {
    for (const bad of ['', 'abc', '-1', '0', '1.0000001', '1e6', '0x10']) {
      expect(() => parseAmount(bad), bad).toThrow(InvalidInputError);
    }
  });
});
