import { z } from 'zod';
import type { IngestJob, Source } from '../../generated/prisma/client.js';

export const sourceViewSchema = z.object({
  id: z.string(),
  botId: z.string(),
  type: z.enum(['text', 'file', 'url', 'website']),
  name: z.string(),
  url: z.string().nullable(),
  mimeType: z.string().nullable(),
  citable: z.boolean(),
  contentHash: z.string(),
  status: z.enum(['pending', 'processing', 'ready', 'failed']),
  bytes: z.number(),
  error: z.string().nullable(),
  progress: z
    .object({ jobId: z.string(), status: z.string(), chunksDone: z.number(), chunksTotal: z.number() })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SourceView = z.infer<typeof sourceViewSchema>;

export function sourceView(source: Source, job: IngestJob | null | undefined): SourceView {
  return {
    id: source.id,
    botId: source.botId,
    type: source.type,
    name: source.name,
    url: source.url,
    mimeType: source.mimeType,
    citable: source.citable,
    contentHash: source.contentHash,
    status: source.status,
    bytes: source.bytes,
    error: source.error,
    progress: job
      ? { jobId: job.id, status: job.status, chunksDone: job.chunksDone, chunksTotal: job.chunksTotal }
      : null,
    createdAt: source.createdAt.toISOString(),
    updatedAt: source.updatedAt.toISOString(),
  };
}
