import { z } from 'zod';

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb');

/** An allowed origin is stored as its serialized origin: scheme://host[:port], no path, no wildcard. */
export const originSchema = z
  .string()
  .max(300)
  .transform((value, context) => {
    try {
      const url = new URL(value);
      const plain = /^https?:\/\/(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(url.origin);
      if (plain && (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username)
        return url.origin;
    } catch {
      // reported below
    }
    context.addIssue({
      code: 'custom',
      message: 'an allowed origin is scheme://host[:port], e.g. https://shop.example.com',
    });
    return z.NEVER;
  })
  .meta({ example: 'https://shop.example.com' });

/** Every setting of a bot (issue 4, part 3). One schema for create, update and the OpenAPI document. */
export const botSettingsSchema = z.object({
  name: z.string().trim().min(1).max(100),
  systemPrompt: z.string().max(8000),
  model: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:/-]+$/, 'a model name has letters, digits and . _ : / - only'),
  temperature: z.number().min(0).max(2),
  maxTokens: z.number().int().min(16).max(8192),
  welcomeMessage: z.string().max(1000),
  /** What visitors read when nothing the bot knows answers them; empty: a neutral line. */
  fallbackMessage: z.string().max(2000),
  theme: z
    .object({
      color: hexColor.optional(),
      textColor: hexColor.optional(),
      fontFamily: z
        .string()
        .max(100)
        .regex(/^[A-Za-z0-9 ,'-]+$/)
        .optional(),
    })
    .strict(),
  position: z.enum(['bottom-right', 'bottom-left']),
  allowedOrigins: z.array(originSchema).max(50),
  /** Strings no answer may say, in any spelling or encoding (internal names, codes). */
  secrets: z.array(z.string().trim().min(3).max(200)).max(100),
  rateLimits: z
    .object({
      visitorPerMinute: z.number().int().min(1).max(600),
      botPerMinute: z.number().int().min(1).max(100_000),
      visitorDailyTokens: z.number().int().min(100).max(10_000_000),
    })
    .partial()
    .strict(),
  leadCapture: z
    .object({
      enabled: z.boolean(),
      prompt: z.string().max(500).optional(),
      askName: z.boolean().optional(),
      consentText: z.string().max(500).optional(),
    })
    .strict(),
  /** Where `lead.created` (and the org's `quota.threshold_crossed`) events are POSTed, signed with the secret; null removes it. */
  webhook: z
    .object({
      url: z.url({ protocol: /^https?$/ }).max(2000),
      secret: z.string().min(16).max(200),
    })
    .strict()
    .nullable(),
  /**
   * Which embedder indexes this bot's knowledge: `local` the sentence model on this server,
   * `hash` keyword hashing, `openai` the configured endpoint. Changing it re-embeds every
   * chunk in the background; retrieval stays on the old vectors until the new ones are complete.
   */
  embedder: z.enum(['local', 'hash', 'openai']),
});
export type BotSettings = z.infer<typeof botSettingsSchema>;

export const createBotBodySchema = botSettingsSchema
  .partial()
  .extend({ name: botSettingsSchema.shape.name })
  .strict();
export const updateBotBodySchema = botSettingsSchema
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'send at least one setting to change');
export type CreateBotBody = z.infer<typeof createBotBodySchema>;
export type UpdateBotBody = z.infer<typeof updateBotBodySchema>;
