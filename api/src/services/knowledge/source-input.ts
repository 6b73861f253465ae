import { z } from 'zod';

/** The body of `POST .../sources`: pasted text, a file (base64 in JSON), or a URL. */
export const createSourceBodySchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('text'),
      name: z.string().trim().min(1).max(300),
      text: z.string().min(1).max(5_000_000),
      citable: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      type: z.literal('file'),
      name: z.string().trim().min(1).max(300),
      mimeType: z.string().max(200).optional(),
      contentBase64: z
        .string()
        .min(1)
        .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'contentBase64 must be base64'),
      citable: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      type: z.literal('url'),
      url: z.url({ protocol: /^https?$/ }).max(2000),
      name: z.string().trim().min(1).max(300).optional(),
      citable: z.boolean().default(true),
    })
    .strict(),
]);
export type CreateSourceBody = z.infer<typeof createSourceBodySchema>;
