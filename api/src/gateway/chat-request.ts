import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Body of `POST /v1/chat`, sent by the api platform. */
export const chatRequestSchema = z.object({
  org: z.union([
    z.string().regex(/^(0|[1-9]\d{0,19})$/, 'must be a decimal u64'),
    z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  ]),
  bot: z.uuid(),
  model: z.string().min(1).max(64),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'user', 'assistant']),
        content: z.string().max(100_000),
      }),
    )
    .min(1)
    .max(200),
  max_tokens: z.number().int().min(1).max(32_768).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  passages: z
    .array(z.object({ text: z.string().min(1).max(20_000), source: z.string().max(500).optional() }))
    .max(50)
    .optional(),
  /**
   * The bot's fallback message: what the offline answerer says when no passage answers the
   * question, instead of its neutral default.
   */
  fallback_message: z.string().min(1).max(2000).optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest['messages'][number];
export type Passage = NonNullable<ChatRequest['passages']>[number];

export const U64_MAX = (1n << 64n) - 1n;

/**
 * req_hash = SHA-256("privexbot-req-hash/2" || salt || seq || SHA-256(request) || SHA-256(answer)).
 * The salt is the gateway's secret, so nothing of a conversation can be confirmed from the
 * chain; the sequence number (unique per signer, whose salt is its own) makes every answer's
 * hash unique, so two visitors asking the same question and getting the same answer cannot be
 * linked. The request digest covers the validated request fields in a fixed order.
 */
export function hashRequestAndAnswer(
  salt: Uint8Array,
  seq: bigint,
  request: ChatRequest,
  answer: string,
): Uint8Array {
  const requestDigest = createHash('sha256')
    .update(
      JSON.stringify([
        String(request.org),
        request.bot.toLowerCase(),
        request.model,
        request.messages.map((m) => [m.role, m.content]),
        (request.passages ?? []).map((p) => [p.text, p.source ?? null]),
        request.max_tokens ?? null,
        request.temperature ?? null,
        // Appended only when sent, so the digest of a request without one is unchanged.
        ...(request.fallback_message === undefined ? [] : [request.fallback_message]),
      ]),
    )
    .digest();
  const answerDigest = createHash('sha256').update(answer).digest();
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(seq);
  return createHash('sha256')
    .update('privexbot-req-hash/2')
    .update(salt)
    .update(seqBytes)
    .update(requestDigest)
    .update(answerDigest)
    .digest();
}
