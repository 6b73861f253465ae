import { Prisma } from '../../db/prisma.js';

/**
 * A chunk's two vector slots. A bot's `vectorSlot` says which holds its embedder's vectors: the
 * one retrieval reads and ingestion writes; a re-embedding fills the other, and the switch flips
 * the bot's slot. The column names come from this fixed pair only, never from input.
 */
export type VectorSlot = 0 | 1;

interface SlotColumns {
  /** The vector column. */
  vector: Prisma.Sql;
  /** The column naming the embedder of that vector (null exactly when the vector is). */
  embedder: Prisma.Sql;
}

const COLUMNS: Record<VectorSlot, SlotColumns> = {
  0: { vector: Prisma.raw('"embedding"'), embedder: Prisma.raw('"embeddedBy"') },
  1: { vector: Prisma.raw('"embeddingAlt"'), embedder: Prisma.raw('"embeddedAltBy"') },
};

/** The columns of `slot`, for a statement to put after a table alias (`c.${vector}`). */
export function slotColumns(slot: VectorSlot): SlotColumns {
  return COLUMNS[slot];
}

export function otherSlot(slot: VectorSlot): VectorSlot {
  return slot === 0 ? 1 : 0;
}

/** A `vectorSlot` as read from the database (a smallint, checked 0 or 1 there too). */
export function asVectorSlot(value: number): VectorSlot {
  if (value !== 0 && value !== 1) throw new RangeError(`not a vector slot: ${value}`);
  return value;
}
