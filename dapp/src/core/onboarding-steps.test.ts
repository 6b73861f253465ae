import { describe, expect, it } from 'vitest';
import { onboardingSteps } from './onboarding-steps.js';

describe('onboardingSteps', () => {
  const nothing = {
    orgId: '7',
    readerGranted: false,
    planActive: false,
    botId: undefined,
    hasReadySource: false,
    hasConversation: false,
    published: false,
  };
  it('lists the path in order, each linking to where it is done', () => {
    const steps = onboardingSteps(nothing);
    expect(steps.map((s) => [s.id, s.done, s.href])).toEqual([
      ['org', true, '/orgs'],
      ['reader', false, '/orgs'],
      ['plan', false, '/billing'],
      ['bot', false, '/bots'],
      ['knowledge', false, '/bots'],
      ['try', false, '/bots'],
      ['embed', false, '/bots'],
    ]);
  });
  it('is complete once the bot is published, and drops the reader step when the api reads no chain', () => {
    const steps = onboardingSteps({
      ...nothing,
      readerGranted: undefined,
      planActive: true,
      botId: 'b1',
      hasReadySource: true,
      hasConversation: true,
      published: true,
    });
    expect(steps.every((s) => s.done)).toBe(true);
    expect(steps.map((s) => s.id)).not.toContain('reader');
    expect(steps.find((s) => s.id === 'embed')?.href).toBe('/bots/b1');
  });
});
