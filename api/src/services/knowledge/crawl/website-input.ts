import { z } from 'zod';
import { defaultCrawlLimits } from './crawl-site.js';

const pathPattern = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[/*]/, 'a path pattern starts with / or *, e.g. /docs/*');

/** The body of `POST …/bots/:botId/websites`: a site to crawl into the bot's knowledge. */
export const createWebsiteBodySchema = z
  .object({
    startUrl: z.url({ protocol: /^https?$/ }).max(2000),
    /** A sitemap or sitemap index (plain or gzip) on the same site; default: robots.txt's. */
    sitemapUrl: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
    name: z.string().trim().min(1).max(300).optional(),
    include: z.array(pathPattern).max(50).default([]),
    exclude: z.array(pathPattern).max(50).default([]),
    maxPages: z.number().int().min(1).max(5000).default(defaultCrawlLimits.maxPages),
    maxDepth: z.number().int().min(0).max(50).default(defaultCrawlLimits.maxDepth),
    /** Largest page (or sitemap, inflated) in bytes. */
    maxPageBytes: z.number().int().min(10_000).max(10_000_000).default(defaultCrawlLimits.maxPageBytes),
    /** Bytes downloaded over one crawl. */
    maxTotalBytes: z.number().int().min(100_000).max(1_000_000_000).default(defaultCrawlLimits.maxTotalBytes),
    /** Pause between two requests to the site (robots.txt's Crawl-delay may lengthen it). */
    delayMs: z.number().int().min(0).max(60_000).default(defaultCrawlLimits.delayMs),
    /** Re-crawl every so many minutes (at least hourly spacing is 60); omitted: only on request. */
    recrawlIntervalMinutes: z
      .number()
      .int()
      .min(60)
      .max(60 * 24 * 90)
      .optional(),
    citable: z.boolean().default(true),
  })
  .strict();
export type CreateWebsiteBody = z.infer<typeof createWebsiteBodySchema>;

/** What a website source keeps in `Source.crawlSettings`. */
export const crawlSettingsSchema = createWebsiteBodySchema.omit({
  name: true,
  citable: true,
  recrawlIntervalMinutes: true,
});
export type CrawlSettings = z.infer<typeof crawlSettingsSchema>;

export const updateWebsiteBodySchema = z
  .object({
    recrawlIntervalMinutes: z
      .number()
      .int()
      .min(60)
      .max(60 * 24 * 90)
      .nullable(),
  })
  .strict();
