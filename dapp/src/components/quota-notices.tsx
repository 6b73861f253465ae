import { useQuotaNotices } from '../hooks/use-usage.js';

/**
 * The org's quota notices of the current billing period (the api records one per 70/85/95 %
 * mark, and sends each to the org's webhooks): the highest mark crossed, said once at the top.
 */
export function QuotaNotices({ orgId }: { orgId: string }) {
  const notices = useQuotaNotices({ orgId });
  if (!notices.data?.length) return null;
  const period = notices.data[0]?.periodStart;
  const current = notices.data.filter((n) => n.periodStart === period);
  const highest = current.reduce((a, b) => (b.thresholdPct > a.thresholdPct ? b : a));
  return (
    <div
      className={highest.thresholdPct >= 95 ? 'card fail' : 'card'}
      role="status"
      data-testid="quota-notice"
    >
      <strong>
        {highest.thresholdPct} % of this period’s messages used ({highest.used} of {highest.limit}).
      </strong>{' '}
      {highest.thresholdPct >= 95
        ? 'The bots stop answering at 100 %: renew or choose a larger plan on the Billing page.'
        : 'The org’s webhooks were told too.'}{' '}
      <small>
        Marks crossed this period:{' '}
        {current
          .map((n) => `${n.thresholdPct} % on ${new Date(n.crossedAt).toLocaleDateString()}`)
          .join(', ')}
        .
      </small>
    </div>
  );
}
