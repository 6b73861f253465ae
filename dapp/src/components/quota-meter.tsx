import { QUOTA_MARKS, quotaLevel } from '../core/quota-level.js';

/**
 * Messages used against the plan's quota, with the 70/85/95 % marks drawn on the bar and the
 * highest one reached said in words (a colour alone would not reach everyone).
 */
export function QuotaMeter({
  used,
  limit,
  planName,
}: {
  used: number;
  limit: number | null | undefined;
  planName: string;
}) {
  const level = quotaLevel(used, limit);
  if (level.percent === null)
    return (
      <p data-testid="quota-meter">
        {used.toLocaleString('en-US')} messages this period; {planName} sets no message limit.
      </p>
    );
  return (
    <div className="quota" data-testid="quota-meter">
      <label htmlFor="quota-bar">
        {used.toLocaleString('en-US')} of {limit?.toLocaleString('en-US')} messages this period (
        {level.percent} %)
      </label>
      <div className="quota-track">
        <meter
          id="quota-bar"
          min={0}
          max={limit ?? 0}
          low={(limit ?? 0) * 0.7}
          high={(limit ?? 0) * 0.85}
          optimum={0}
          value={used}
        />
        {QUOTA_MARKS.map((mark) => (
          <span
            key={mark}
            className="quota-mark"
            style={{ left: `${mark}%` }}
            aria-hidden="true"
            title={`${mark} %`}
          />
        ))}
      </div>
      <p data-testid="quota-state" className={level.crossed ? 'fail' : 'ok'}>
        {level.exhausted
          ? 'The quota is used up: visitors get a polite refusal until the next period or a bigger plan.'
          : level.crossed
            ? `Past the ${level.crossed} % mark.`
            : 'Below the 70 % mark.'}
      </p>
    </div>
  );
}
