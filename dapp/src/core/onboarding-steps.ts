/**
 * The owner's path from nothing to a bot on a site, as a checklist: each step is done or not
 * from what the chain and the api already say, so the list is the same on every device.
 */
export type OnboardingStepId = 'org' | 'reader' | 'plan' | 'bot' | 'knowledge' | 'try' | 'embed';

export interface OnboardingFacts {
  orgId: string | undefined;
  /** undefined: the api reads no chain, so there is nothing to grant */
  readerGranted: boolean | undefined;
  planActive: boolean;
  botId: string | undefined;
  hasReadySource: boolean;
  hasConversation: boolean;
  published: boolean;
}

export interface OnboardingStep {
  id: OnboardingStepId;
  label: string;
  done: boolean;
  /** where it is done */
  href: string;
}

export function onboardingSteps(facts: OnboardingFacts): OnboardingStep[] {
  const bot = facts.botId ? `/bots/${facts.botId}` : '/bots';
  const steps: OnboardingStep[] = [
    { id: 'org', label: 'Create the organization', done: Boolean(facts.orgId), href: '/orgs' },
    ...(facts.readerGranted === undefined
      ? []
      : [
          {
            id: 'reader' as const,
            label: 'Let PrivexBot read its plan and usage',
            done: facts.readerGranted,
            href: '/orgs',
          },
        ]),
    { id: 'plan', label: 'Choose a plan', done: facts.planActive, href: '/billing' },
    { id: 'bot', label: 'Create a bot', done: Boolean(facts.botId), href: '/bots' },
    { id: 'knowledge', label: 'Add knowledge', done: facts.hasReadySource, href: bot },
    { id: 'try', label: 'Try it in the test chat', done: facts.hasConversation, href: bot },
    { id: 'embed', label: 'Publish it and embed it on your site', done: facts.published, href: bot },
  ];
  return steps;
}
