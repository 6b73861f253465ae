import type { CrawlReason } from '@privexbot/schema/errors';
import type { DappConfig } from '../config.js';
import { InvalidInputError } from '../errors.js';
import { apiRequest } from './api-request.js';

/** A skipped or failed URL of a crawl and why (`ROBOTS_DISALLOWED`, `HTTP_404`, …). */
export interface CrawlProblem {
  url: string;
  reason: CrawlReason;
  detail: string | null;
}

/** The api's website view (`websiteViewSchema`): the site and its latest crawl. */
export interface Website {
  id: string;
  name: string;
  pagesStored: number;
  recrawlIntervalMinutes: number | null;
  /** When the schedule crawls next (ISO time), null without a schedule. */
  nextCrawlAt: string | null;
  crawl: {
    status: 'queued' | 'running' | 'done' | 'cancelled' | 'failed';
    cancelRequested: boolean;
    pagesFound: number;
    pagesFetched: number;
    pagesUnchanged: number;
    pagesSkipped: number;
    pagesFailed: number;
    error: string | null;
  } | null;
  skipped: CrawlProblem[];
  failed: CrawlProblem[];
}

interface WebsiteRef {
  orgId: string;
  botId: string;
  websiteId: string;
}

const botPath = ({ orgId, botId }: { orgId: string; botId: string }) =>
  `/v1/orgs/${encodeURIComponent(orgId)}/bots/${encodeURIComponent(botId)}`;
const websitePath = (ref: WebsiteRef) => `${botPath(ref)}/websites/${encodeURIComponent(ref.websiteId)}`;

export function getWebsite(config: DappConfig, ref: WebsiteRef): Promise<Website> {
  return apiRequest<Website>(config, { path: websitePath(ref) });
}

export function addWebsite(
  config: DappConfig,
  parameters: { orgId: string; botId: string; startUrl: string; citable: boolean },
): Promise<Website> {
  return apiRequest<{ website: Website }>(config, {
    method: 'POST',
    path: `${botPath(parameters)}/websites`,
    body: { startUrl: parameters.startUrl, citable: parameters.citable },
  }).then((body) => body.website);
}

export function cancelCrawl(config: DappConfig, ref: WebsiteRef): Promise<Website> {
  return apiRequest<Website>(config, { method: 'POST', path: `${websitePath(ref)}/cancel`, body: {} });
}

export function recrawlWebsite(config: DappConfig, ref: WebsiteRef): Promise<Website> {
  return apiRequest<{ website: Website }>(config, {
    method: 'POST',
    path: `${websitePath(ref)}/crawl`,
    body: {},
  }).then((body) => body.website);
}

/** The api's bounds of a re-crawl interval (`updateWebsiteBodySchema`): hourly at most, every 90 days at least. */
export const RECRAWL_MINUTES = { min: 60, max: 60 * 24 * 90 } as const;

/** Sets the re-crawl interval in minutes, or clears it (null: re-crawl only when asked). */
export function setRecrawlInterval(
  config: DappConfig,
  ref: WebsiteRef & { recrawlIntervalMinutes: number | null },
): Promise<Website> {
  const minutes = ref.recrawlIntervalMinutes;
  if (minutes !== null) {
    if (!Number.isInteger(minutes)) throw new InvalidInputError('The interval is a whole number of minutes.');
    if (minutes < RECRAWL_MINUTES.min)
      throw new InvalidInputError(`Re-crawl at most hourly: at least ${RECRAWL_MINUTES.min} minutes.`);
    if (minutes > RECRAWL_MINUTES.max)
      throw new InvalidInputError(`Re-crawl at least every 90 days: at most ${RECRAWL_MINUTES.max} minutes.`);
  }
  return apiRequest<Website>(config, {
    method: 'PATCH',
    path: websitePath(ref),
    body: { recrawlIntervalMinutes: minutes },
  });
}
