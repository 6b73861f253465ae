import type { CrawlProblem } from '../core/api/website-actions.js';
import { crawlReasonText } from '../core/crawl-reason-text.js';
import { useCrawlControl, useWebsite } from '../hooks/use-website.js';
import { ErrorNotice } from './query-state.js';
import { RecrawlSchedule } from './recrawl-schedule.js';

/**
 * A website source's crawl on the bot's source list: pages found, fetched, unchanged, skipped
 * and failed (each skipped or failed URL with its reason), a Cancel button while it runs,
 * "Crawl again" once it ended, and its re-crawl schedule.
 */
export function WebsiteCrawl({
  orgId,
  botId,
  websiteId,
}: {
  orgId: string;
  botId: string;
  websiteId: string;
}) {
  const ref = { orgId, botId, websiteId };
  const website = useWebsite(ref);
  const control = useCrawlControl(ref);
  if (website.error) return <ErrorNotice error={website.error} />;
  if (!website.data) return null;
  const schedule = <RecrawlSchedule website={website.data} orgId={orgId} botId={botId} />;
  const crawl = website.data.crawl;
  if (!crawl) return schedule;
  const running = crawl.status === 'queued' || crawl.status === 'running';
  return (
    <div data-testid={`crawl-${websiteId}`}>
      <p data-testid="crawl-counts">
        Crawl {crawl.cancelRequested && running ? 'cancelling' : crawl.status}: {crawl.pagesFound} found,{' '}
        {crawl.pagesFetched} fetched, {crawl.pagesUnchanged} unchanged, {crawl.pagesSkipped} skipped,{' '}
        {crawl.pagesFailed} failed; {website.data.pagesStored} pages in the knowledge
        {crawl.error ? ` (${crawl.error})` : ''}
      </p>
      <Problems title="Skipped" list={website.data.skipped} testId="crawl-skipped" />
      <Problems title="Failed" list={website.data.failed} testId="crawl-failed" />
      {running ? (
        <button
          type="button"
          disabled={control.isPending || crawl.cancelRequested}
          onClick={() => control.mutate('cancel')}
        >
          Cancel crawl
        </button>
      ) : (
        <button type="button" disabled={control.isPending} onClick={() => control.mutate('recrawl')}>
          Crawl again
        </button>
      )}
      {control.error ? <ErrorNotice error={control.error} /> : null}
      {schedule}
    </div>
  );
}

function Problems({ title, list, testId }: { title: string; list: CrawlProblem[]; testId: string }) {
  if (list.length === 0) return null;
  return (
    <details data-testid={testId}>
      <summary>
        {title} ({list.length})
      </summary>
      <ul>
        {list.map((problem) => (
          <li key={problem.url} data-reason={problem.reason}>
            {problem.url}: {crawlReasonText(problem.reason)}
            {problem.detail ? ` (${problem.detail})` : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}
