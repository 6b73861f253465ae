import { describe, expect, it } from 'vitest';
import { leadsToCsv } from './inbox-actions.js';

describe('leadsToCsv', () => {
  it('writes one row per lead with the consent text it recorded (the bot’s for older leads), quoting what needs it and defusing formulas', () => {
    const csv = leadsToCsv(
      [
        {
          id: '1',
          email: 'ada@example.com',
          name: 'Ada, "the first"',
          consent: true,
          consentAt: '2026-03-02T10:00:00.000Z',
          consentText: 'I agree that Bakery may contact me.',
          consentVersion: '0123456789abcdef',
          conversationId: 'c1',
          createdAt: '2026-03-02T10:00:01.000Z',
        },
        {
          id: '2',
          email: 'eve@example.com',
          name: '=HYPERLINK("x")',
          consent: false,
          consentAt: null,
          conversationId: null,
          createdAt: '2026-03-03T10:00:00.000Z',
        },
      ],
      'I agree to be contacted.',
    );
    expect(csv.split('\r\n')).toEqual([
      'email,name,consent,consent_at,consent_text,consent_version,conversation_id,created_at',
      'ada@example.com,"Ada, ""the first""",yes,2026-03-02T10:00:00.000Z,I agree that Bakery may contact me.,0123456789abcdef,c1,2026-03-02T10:00:01.000Z',
      `eve@example.com,"'=HYPERLINK(""x"")",no,,I agree to be contacted.,,,2026-03-03T10:00:00.000Z`,
      '',
    ]);
  });
});
