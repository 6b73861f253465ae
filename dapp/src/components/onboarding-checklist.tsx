import { Link } from 'react-router';
import { priceText } from '../core/billing/describe-plan.js';
import type { OrgResponse } from '../core/contracts/contract-messages.js';
import { onboardingSteps } from '../core/onboarding-steps.js';
import { useBots } from '../hooks/use-bots.js';
import { useConfirmedWrite } from '../hooks/use-confirmed-write.js';
import { useConversations } from '../hooks/use-inbox.js';
import { useOrgRole } from '../hooks/use-org-role.js';
import { usePlatform } from '../hooks/use-platform.js';
import { useReadContract } from '../hooks/use-read-contract.js';
import { useSession } from '../hooks/use-session.js';
import { useSources } from '../hooks/use-sources.js';
import { ConfirmTransaction } from './confirm-transaction.js';
import { GuardedButton } from './guarded-action.js';
import { ErrorNotice } from './query-state.js';

/**
 * The checklist on the org page: each step links to where it is done, and the two chain steps
 * a new owner stumbles on (the reader grant and a free plan) are one click here, without
 * typing an address.
 */
export function OnboardingChecklist({ org }: { org: OrgResponse }) {
  const orgId = String(org.id);
  const session = useSession();
  const { can } = useOrgRole(orgId);
  const platform = usePlatform();
  const confirmed = useConfirmedWrite();
  const orgPlan = useReadContract({ contract: 'billing', name: 'org_plan', args: { org_id: org.id } });
  const plans = useReadContract({ contract: 'billing', name: 'plans', args: {} });
  const bots = useBots({ orgId: session ? orgId : undefined });
  const firstBot = bots.data?.[0];
  const sources = useSources({ orgId: session ? orgId : undefined, botId: firstBot?.id });
  const conversations = useConversations({ orgId: session ? orgId : undefined, botId: firstBot?.id });
  const reader = platform.data?.chainReaderAddress ?? undefined;
  const freePlan = plans.data?.plans.find(
    (plan) => BigInt(plan.price.amount) === 0n && !plan.restricted_to && !plan.retired,
  );
  const steps = onboardingSteps({
    orgId,
    readerGranted: reader ? org.auditors.includes(reader) : undefined,
    planActive: Boolean(orgPlan.data?.active),
    botId: firstBot?.id,
    hasReadySource: Boolean(sources.data?.some((source) => source.status === 'ready')),
    hasConversation: Boolean(conversations.data?.length),
    published: Boolean(firstBot?.published),
  });
  const done = steps.filter((step) => step.done).length;
  const busy = confirmed.write.isPending;
  return (
    <section className="card" aria-labelledby="onboarding-title" data-testid="onboarding">
      <h2 id="onboarding-title">Getting started</h2>
      <p data-testid="onboarding-progress">
        {done === steps.length ? 'All done: your bot is live.' : `${done} of ${steps.length} done.`}
      </p>
      <ol className="checklist">
        {steps.map((step) => (
          <li key={step.id} data-testid={`onboarding-${step.id}`} data-done={step.done}>
            <span aria-hidden="true">{step.done ? '✓' : '○'}</span> <Link to={step.href}>{step.label}</Link>
            <span className="visually-hidden">{step.done ? ' (done)' : ' (to do)'}</span>
            {step.id === 'reader' && !step.done && reader ? (
              <>
                {' '}
                <GuardedButton
                  permission={can('manageMembers')}
                  disabled={busy}
                  data-testid="onboarding-grant-reader"
                  onClick={() =>
                    confirmed.write.mutate({
                      contract: 'billing',
                      name: 'add_org_role',
                      args: { org_id: org.id, role: 'auditor', address: reader },
                    })
                  }
                >
                  Grant read access
                </GuardedButton>
                <small className="muted">
                  {' '}
                  The platform’s reader becomes a read-only auditor: it cannot pay or spend.
                </small>
              </>
            ) : null}
            {step.id === 'plan' && !step.done && freePlan ? (
              <>
                {' '}
                <GuardedButton
                  permission={can('subscribe')}
                  disabled={busy}
                  data-testid="onboarding-free-plan"
                  onClick={() =>
                    confirmed.request({
                      terms: {
                        title: `Start on ${freePlan.name}`,
                        amount: `Nothing: ${priceText(freePlan)}`,
                        period: `${Math.round(freePlan.period_seconds / 86_400)} days, renewed`,
                        renewal: 'It renews at no charge until you choose another plan.',
                      },
                      call: {
                        contract: 'billing',
                        name: 'subscribe',
                        args: { org_id: org.id, plan_id: freePlan.id, periods: 1 },
                      },
                    })
                  }
                >
                  Start on {freePlan.name}
                </GuardedButton>
              </>
            ) : null}
          </li>
        ))}
      </ol>
      {!session ? <p className="muted">Sign in to see the bot steps.</p> : null}
      <ConfirmTransaction {...confirmed.dialog} />
      {confirmed.write.error ? <ErrorNotice error={confirmed.write.error} /> : null}
    </section>
  );
}
