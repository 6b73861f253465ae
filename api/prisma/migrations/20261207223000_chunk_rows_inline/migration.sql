-- A chunk's row keeps its vectors, text and tsvector in the table itself instead of moving the
-- vector (1.5 kB, stored uncompressed) to the TOAST table: retrieval reads the vector of every
-- full-text match and of each candidate's page opening for its distance, and each of those
-- reads was a TOAST index lookup and a second page. Rows are about 3.5 kB (7 kB while a
-- re-embedding fills the second slot), under the 8 kB page; a larger one is still toasted.
-- Applies to rows written from now on; rows already stored keep their layout until rewritten.
ALTER TABLE "Chunk" SET (toast_tuple_target = 8160);
