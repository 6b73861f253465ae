import { inflateRawSync } from 'node:zlib';

/** A zip that would expand past the limit, or whose entries lie about their size. */
export class ZipExpansionError extends Error {
  override readonly name = 'ZipExpansionError';
  constructor(
    message: string,
    readonly reason: 'EXPANDS_TOO_MUCH' | 'SIZE_MISMATCH' | 'TOO_MANY_ENTRIES' | 'MALFORMED_ZIP',
  ) {
    super(message);
  }
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MAX_ENTRIES = 10_000;

/**
 * Refuses a zip (a DOCX is one) that is a decompression bomb, before any library inflates it.
 * First the sizes the central directory declares are summed against `maxExpandedBytes`; then
 * each entry is inflated with its declared size as a hard output cap, so an entry that lies
 * (declares 1 KB, inflates to 1 GB) stops at the declared size instead of filling memory.
 * Inflated data is thrown away: only the sizes are proven here.
 */
export function checkZipEntries(zip: Buffer, maxExpandedBytes: number): void {
  const entries = checkZipDeclaredSizes(zip, maxExpandedBytes);
  for (const entry of entries) {
    const data = entryData(zip, entry);
    if (entry.method === 0) {
      if (data.length !== entry.uncompressedSize) throw sizeMismatch(entry.name);
      continue;
    }
    if (entry.method !== 8)
      throw new ZipExpansionError(`unsupported compression in ${entry.name}`, 'MALFORMED_ZIP');
    let inflated: Buffer;
    try {
      // One byte of slack: an entry that inflates past its declared size fails right there.
      inflated = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize + 1) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw sizeMismatch(entry.name);
      throw new ZipExpansionError(`entry ${entry.name} is corrupt`, 'MALFORMED_ZIP');
    }
    if (inflated.length !== entry.uncompressedSize) throw sizeMismatch(entry.name);
  }
}

/** The declared half of the check alone: reads only the central directory, no inflating. */
export function checkZipDeclaredSizes(zip: Buffer, maxExpandedBytes: number): ZipEntry[] {
  const entries = readCentralDirectory(zip);
  const declared = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (declared > maxExpandedBytes) {
    throw new ZipExpansionError(
      `the archive expands to ${declared} bytes; the limit is ${maxExpandedBytes}`,
      'EXPANDS_TOO_MUCH',
    );
  }
  return entries;
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

function readCentralDirectory(zip: Buffer): ZipEntry[] {
  const end = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(end + 10);
  const offset = zip.readUInt32LE(end + 16);
  // Zip64 archives mark their real sizes with 0xFFFF…: no office document needs one.
  if (count === 0xffff || offset === 0xffffffff)
    throw new ZipExpansionError('zip64 archives are not accepted', 'MALFORMED_ZIP');
  if (count > MAX_ENTRIES)
    throw new ZipExpansionError(
      `the archive has ${count} entries; the limit is ${MAX_ENTRIES}`,
      'TOO_MANY_ENTRIES',
    );
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_ENTRY)
      throw new ZipExpansionError('the zip central directory is corrupt', 'MALFORMED_ZIP');
    const nameLength = zip.readUInt16LE(at + 28);
    const entry: ZipEntry = {
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      uncompressedSize: zip.readUInt32LE(at + 24),
      localHeaderOffset: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
    };
    if (entry.compressedSize === 0xffffffff || entry.uncompressedSize === 0xffffffff)
      throw new ZipExpansionError('zip64 archives are not accepted', 'MALFORMED_ZIP');
    entries.push(entry);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw new ZipExpansionError('not a zip archive', 'MALFORMED_ZIP');
}

function entryData(zip: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_HEADER)
    throw new ZipExpansionError(`entry ${entry.name} is corrupt`, 'MALFORMED_ZIP');
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  if (start + entry.compressedSize > zip.length)
    throw new ZipExpansionError(`entry ${entry.name} is truncated`, 'MALFORMED_ZIP');
  return zip.subarray(start, start + entry.compressedSize);
}

function sizeMismatch(name: string): ZipExpansionError {
  return new ZipExpansionError(`entry ${name} does not inflate to its declared size`, 'SIZE_MISMATCH');
}
