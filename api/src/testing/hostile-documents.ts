import { crc32, createDeflate, createDeflateRaw, deflateRawSync } from 'node:zlib';

/**
 * Hostile documents, generated in the test (nothing large is committed): a DOCX zip bomb, a
 * zip whose entry lies about its size, a PDF whose object stream contains itself, and a
 * one-line CSV.
 */

interface ZipEntryInput {
  name: string;
  data: Buffer;
  /** Deflated bytes to store instead of deflating `data` (a bomb built without its plaintext). */
  deflated?: Buffer;
  /** The uncompressed size to declare, when it should lie. */
  declaredSize?: number;
  crc?: number;
}

/** A minimal zip writer (deflate, no zip64): enough for DOCX files and their hostile variants. */
export function writeZip(entries: ZipEntryInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const body = entry.deflated ?? deflateRawSync(entry.data);
    const size = entry.declaredSize ?? entry.data.length;
    const crc = entry.crc ?? crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;
const documentHead =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
const documentTail = '</w:body></w:document>';

/**
 * A DOCX whose document.xml inflates to about `expandedBytes` of paragraphs, declared
 * honestly (like the 725 KB file that expanded to 330 MB). The deflate stream is built one
 * repeated block at a time, so the plaintext never exists in the test's memory.
 */
export async function docxZipBomb(expandedBytes: number): Promise<{ docx: Buffer; expandedBytes: number }> {
  const paragraph = '<w:p><w:r><w:t>The workshop opens at nine and rents tandems.</w:t></w:r></w:p>';
  const block = Buffer.from(paragraph.repeat(Math.ceil((1 << 20) / paragraph.length)));
  const blocks = Math.max(1, Math.floor(expandedBytes / block.length));
  const { deflated, size, crc } = await deflateRepeated(
    [Buffer.from(documentHead), block, Buffer.from(documentTail)],
    blocks,
  );
  const docx = writeZip([
    { name: '[Content_Types].xml', data: Buffer.from(contentTypes) },
    { name: '_rels/.rels', data: Buffer.from(rootRels) },
    { name: 'word/document.xml', data: Buffer.alloc(0), deflated, declaredSize: size, crc },
  ]);
  return { docx, expandedBytes: size };
}

/** A DOCX whose document.xml declares 1 KB and inflates to `actualBytes`. */
export async function docxLyingAboutSize(actualBytes: number): Promise<Buffer> {
  const { deflated, crc } = await deflateRepeated(
    [
      Buffer.from(documentHead),
      Buffer.from('<w:p><w:r><w:t>x</w:t></w:r></w:p>'.repeat(1000)),
      Buffer.from(documentTail),
    ],
    Math.ceil(actualBytes / 35_000),
  );
  return writeZip([
    { name: '[Content_Types].xml', data: Buffer.from(contentTypes) },
    { name: '_rels/.rels', data: Buffer.from(rootRels) },
    { name: 'word/document.xml', data: Buffer.alloc(0), deflated, declaredSize: 1024, crc },
  ]);
}

/** head + block × count + tail, deflated piece by piece so the plaintext never exists whole. */
async function deflateRepeated(
  [head, block, tail]: [Buffer, Buffer, Buffer],
  count: number,
  format: 'raw' | 'zlib' = 'raw',
): Promise<{ deflated: Buffer; size: number; crc: number }> {
  const deflater = format === 'raw' ? createDeflateRaw({ level: 6 }) : createDeflate({ level: 6 });
  const out: Buffer[] = [];
  deflater.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve, reject) => deflater.on('end', resolve).on('error', reject));
  let crc = 0;
  let size = 0;
  const write = async (part: Buffer) => {
    crc = crc32(part, crc);
    size += part.length;
    if (!deflater.write(part)) await new Promise((resolve) => deflater.once('drain', resolve));
  };
  await write(head);
  for (let i = 0; i < count; i++) await write(block);
  await write(tail);
  deflater.end();
  await done;
  return { deflated: Buffer.concat(out), size, crc };
}

/**
 * A PDF whose page resources live in an object stream that the xref stream lists as stored
 * inside itself (and that `/Extends` itself), and whose Flate data inflates to about
 * `expandedBytes` of nested arrays: a reader that follows it recurses into the same stream and
 * inflates the whole bomb into memory the heap limit does not count.
 */
export async function pdfRecursiveObjectStream(expandedBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n')];
  const offsets: number[] = [];
  const length = () => parts.reduce((sum, part) => sum + part.length, 0);
  const add = (n: number, body: string) => {
    offsets[n] = length();
    parts.push(Buffer.from(`${n} 0 obj\n${body}\nendobj\n`));
  };
  add(1, '<< /Type /Catalog /Pages 2 0 R >>');
  add(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  add(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources 4 0 R >>');
  const index = Buffer.from('4 0 5 0 ');
  const block = Buffer.from('['.repeat(1 << 20));
  const { deflated } = await deflateRepeated(
    [index, block, Buffer.from(']')],
    Math.max(1, Math.floor(expandedBytes / block.length)),
    'zlib',
  );
  offsets[5] = length();
  parts.push(
    Buffer.from(
      `5 0 obj\n<< /Type /ObjStm /N 2 /First ${index.length} /Extends 5 0 R /Filter /FlateDecode /Length ${deflated.length} >>\nstream\n`,
    ),
    deflated,
    Buffer.from('\nendstream\nendobj\n'),
  );
  const xrefOffset = length();
  // Xref stream rows: type (1 byte), field 2 (4 bytes), field 3 (2 bytes).
  const rows = Buffer.alloc(7 * 7);
  const row = (n: number, type: number, a: number, b: number) => {
    rows.writeUInt8(type, n * 7);
    rows.writeUInt32BE(a, n * 7 + 1);
    rows.writeUInt16BE(b, n * 7 + 5);
  };
  row(0, 0, 0, 0xffff);
  for (const n of [1, 2, 3]) row(n, 1, offsets[n] as number, 0);
  row(4, 2, 5, 0);
  row(5, 2, 5, 1);
  row(6, 1, xrefOffset, 0);
  parts.push(
    Buffer.from(`6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length ${rows.length} >>\nstream\n`),
    rows,
    Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`),
  );
  return Buffer.concat(parts);
}

/** A CSV of a header and one line of `bytes` characters. */
export function csvSingleLine(bytes: number): Buffer {
  const csv = Buffer.alloc(bytes, 'x');
  csv.write('name,notes\n');
  return csv;
}
