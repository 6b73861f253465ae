import { useId, useState } from 'react';
import { RECRAWL_MINUTES, type Website } from '../core/api/website-actions.js';
import { useRecrawlSchedule } from '../hooks/use-website.js';
import { ErrorNotice } from './query-state.js';

/**
 * A website's re-crawl schedule: every so many minutes (at least 60), or only when asked (the
 * field left empty). What the user cannot fix is refused before sending; the api checks again
 * and its refusal shows the same way.
 */
export function RecrawlSchedule({
  website,
  orgId,
  botId,
}: {
  website: Pick<Website, 'id' | 'recrawlIntervalMinutes' | 'nextCrawlAt'>;
  orgId: string;
  botId: string;
}) {
  const schedule = useRecrawlSchedule({ orgId, botId, websiteId: website.id });
  const [text, setText] = useState(website.recrawlIntervalMinutes?.toString() ?? '');
  const fieldId = useId();
  const errorId = `${fieldId}-error`;
  const minutes = website.recrawlIntervalMinutes;
  return (
    <form
      // The dapp's own message (role=alert) instead of the browser's bubble, the same as the api's.
      noValidate
      data-testid="recrawl-schedule"
      onSubmit={(event) => {
        event.preventDefault();
        schedule.mutate(text.trim() === '' ? null : Number(text));
      }}
    >
      <p data-testid="recrawl-current">
        {minutes === null
          ? 'Re-crawled only when asked.'
          : `Re-crawled every ${minutes} minutes${
              website.nextCrawlAt ? `; next crawl ${new Date(website.nextCrawlAt).toLocaleString()}` : ''
            }.`}
      </p>
      <label htmlFor={fieldId}>Re-crawl every (minutes; empty: only when asked)</label>{' '}
      <input
        id={fieldId}
        type="number"
        inputMode="numeric"
        min={RECRAWL_MINUTES.min}
        max={RECRAWL_MINUTES.max}
        step={1}
        value={text}
        aria-invalid={schedule.isError}
        aria-describedby={schedule.isError ? errorId : undefined}
        onChange={(event) => {
          setText(event.target.value);
          schedule.reset();
        }}
      />{' '}
      <button type="submit" disabled={schedule.isPending}>
        Save schedule
      </button>
      {schedule.error ? (
        <div id={errorId}>
          <ErrorNotice error={schedule.error} />
        </div>
      ) : null}
    </form>
  );
}
