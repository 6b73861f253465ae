import { createHash } from 'node:crypto';
import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';
import type { BotPlatform } from '../bots/bot-platform.js';
import { findAccessibleBot } from '../bots/find-accessible-bot.js';
import { chunkText } from './chunk-text.js';
import { readSourceContent } from './read-source-content.js';
import type { CreateSourceBody } from './source-input.js';
import { type SourceView, sourceView } from './source-view.js';

/** About 2 MB of text at the default chunk size. */
export const MAX_CHUNKS_PER_SOURCE = 2000;

/**
 * Adds knowledge to a bot. The document is fetched, parsed and chunked first (no transaction
 * open); then one transaction writes the source, its chunks (without vectors) and an
 * ingestion job that embeds them in the background. Identical content (same SHA-256 of the
 * extracted text) is a no-op returning the existing source; a source with the same name and
 * new content replaces the old one, chunks included. Storage is capped by the plan's
 * knowledge bytes (bytes of extracted text, over all bots of the org).
 */
export async function createSource(options: {
  db: Database;
  platform: BotPlatform;
  orgId: string;
  botId: string;
  principal: Principal;
  input: CreateSourceBody;
  requestId: string;
  now: Date;
}): Promise<{ source: SourceView; duplicate: boolean }> {
  const { db, platform, orgId, botId, principal, input, now } = options;
  const bot = await findAccessibleBot({ db, orgId, botId, principal, permission: 'knowledge:write' });
  const { content, chunks } = await platform.documents.withUploadSlot(orgId, async () => {
    const content = await readSourceContent(input, platform.settings.urlFetch, platform.documents);
    if (!content.text) {
      throw new AppError(AppErrorCode.VALIDATION_FAILED, 'the document contains no text', {
        details: { reason: 'EMPTY_DOCUMENT' },
      });
    }
    return { content, chunks: chunkText(content.text) };
  });
  const contentHash = createHash('sha256').update(content.text).digest('hex');
  const bytes = Buffer.byteLength(content.text);
  // One transaction writes every chunk (so a source is never half there); its length grows
  // with the chunk count, and on the embedded database it holds up every other writer.
  if (chunks.length > MAX_CHUNKS_PER_SOURCE) {
    throw new AppError(
      AppErrorCode.PAYLOAD_TOO_LARGE,
      `this document makes ${chunks.length} chunks; the limit is ${MAX_CHUNKS_PER_SOURCE}: split it into several sources`,
      {
        details: { reason: 'TOO_MANY_CHUNKS', chunks: chunks.length, limit: MAX_CHUNKS_PER_SOURCE },
      },
    );
  }
  const plan = await platform.plans.planOf(orgId, now);
  const storageLimit = plan.active ? plan.quotas.knowledgeBytes : 0;

  const result = await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`knowledge:${orgId}`}))`;
      const same = await tx.source.findUnique({
        where: { botId_contentHash: { botId: bot.id, contentHash } },
        include: { ingestJobs: { orderBy: { createdAt: 'desc' }, take: 1 } },
      });
      if (same) return { source: sourceView(same, same.ingestJobs[0]), duplicate: true, queued: false };
      const replaced = await tx.source.findMany({
        where: { botId: bot.id, name: content.name, type: input.type },
        select: { id: true, bytes: true },
      });
      if (storageLimit !== null) {
        const used = await tx.source.aggregate({
          where: { bot: { orgId }, id: { notIn: replaced.map((r) => r.id) } },
          _sum: { bytes: true },
        });
        const total = (used._sum.bytes ?? 0) + bytes;
        if (total > storageLimit) {
          throw new AppError(
            AppErrorCode.QUOTA_EXHAUSTED,
            `the organization’s plan allows ${storageLimit} bytes of knowledge; this document would bring it to ${total}`,
            {
              details: {
                reason: 'KNOWLEDGE_STORAGE',
                limit: storageLimit,
                used: total - bytes,
                requested: bytes,
              },
            },
          );
        }
      }
      if (replaced.length) await tx.source.deleteMany({ where: { id: { in: replaced.map((r) => r.id) } } });
      const source = await tx.source.create({
        data: {
          botId: bot.id,
          type: input.type,
          name: content.name,
          url: content.url,
          mimeType: content.mimeType,
          citable: input.citable,
          contentHash,
          status: 'processing',
          bytes,
          createdAt: now,
        },
      });
      await tx.chunk.createMany({
        data: chunks.map((chunk) => ({
          botId: bot.id,
          sourceId: source.id,
          ordinal: chunk.ordinal,
          text: chunk.text,
          citable: input.citable,
          contentHash: createHash('sha256').update(chunk.text).digest('hex'),
        })),
      });
      const job = await tx.ingestJob.create({
        data: { botId: bot.id, sourceId: source.id, chunksTotal: chunks.length, createdAt: now },
      });
      await tx.auditLog.create({
        data: auditLogEntry({
          orgId,
          principal,
          action: replaced.length ? 'source.replace' : 'source.create',
          targetType: 'source',
          targetId: source.id,
          details: { botId: bot.id, name: source.name, type: source.type, bytes, chunks: chunks.length },
          requestId: options.requestId,
        }),
      });
      return { source: sourceView(source, job), duplicate: false, queued: true };
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
  if (result.queued) platform.ingestion.kick();
  return { source: result.source, duplicate: result.duplicate };
}
