import { describe, expect, it } from 'vitest';
import { compareUsage } from './compare-usage.js';

const c = (messages: number) => ({ messages: String(messages), prompt_tokens: '10', completion_tokens: '5' });
const api = (day: number, messages: number) => ({
  day,
  conversations: 1,
  messages,
  promptTokens: 10,
  completionTokens: 5,
  leads: 0,
});

describe('compareUsage', () => {
  it('lists every day of the range and explains each difference', () => {
    const rows = compareUsage(
      { fromDay: 100, toDay: 103 },
      {
        org_id: 1,
        days: [
          { day: 100, counters: c(3) },
          { day: 101, counters: c(2) },
          { day: 103, counters: c(1) },
        ],
        total: c(6),
      },
      [api(100, 3), api(101, 4), api(102, 0), api(103, 2)],
      103,
    );
    expect(rows.map((r) => r.day)).toEqual([100, 101, 102, 103]);
    expect(rows[0]?.note).toBe('equal');
    expect(rows[1]?.note).toMatch(/^2 counted by the api but not on chain/);
    expect(rows[2]?.note).toBe('equal');
    expect(rows[3]?.note).toBe('1 not yet relayed to the chain');
    expect(rows[0]?.onChainTokens).toBe(15);
  });

  it('says which side is missing instead of inventing zeros', () => {
    const rows = compareUsage({ fromDay: 1, toDay: 1 }, undefined, [api(1, 2)], 1);
    expect(rows[0]?.note).toBe('chain counters unavailable');
  });
});
