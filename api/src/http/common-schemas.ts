import { fromBech32 } from '@cosmjs/encoding';
import { z } from 'zod';

export const orgIdSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,14})$/, 'an org id is the billing contract’s numeric id')
  .meta({ description: 'Organization id in the billing contract (u64, decimal)', example: '1' });

export const uuidSchema = z.uuid();

/** A bech32 account address with the chain's prefix (20- or 32-byte payload). */
export function addressSchema(prefix: string) {
  return z
    .string()
    .max(128)
    .refine(
      (value) => {
        try {
          const decoded = fromBech32(value);
          return decoded.prefix === prefix && (decoded.data.length === 20 || decoded.data.length === 32);
        } catch {
          return false;
        }
      },
      { message: `must be a bech32 account address starting with ${prefix}1` },
    )
    .meta({ description: 'bech32 account address', example: `${prefix}1...` });
}

export const paginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** Opaque cursor: the id of the last item of the previous page. */
  after: z.string().max(100).optional(),
});
