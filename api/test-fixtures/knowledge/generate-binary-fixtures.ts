/**
 * Writes the binary fixtures (sample.pdf, sample.docx) from the text below, with the same
 * libraries a user's office software would produce equivalent files with. The outputs are
 * committed; run again only to change them:
 *   npx tsx api/test-fixtures/knowledge/generate-binary-fixtures.ts
 */
import { writeFile } from 'node:fs/promises';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';

const here = new URL('./', import.meta.url);

const pdfLines = [
  'Orchard Telescope Manual',
  'Cleaning the mirror: the Orchard telescope primary mirror is rinsed with distilled water',
  'and dried with a blower bulb, never wiped. Collimation is checked every season.',
  'Warranty: the Orchard mount carries a seven year warranty against gear failure.',
];

const docxParagraphs = [
  { heading: 'Harbor Kayak Rental Policy' },
  { text: 'Harbor kayaks are rented by the hour. Life jackets are included with every kayak rental.' },
  { heading: 'Cancellations' },
  { text: 'A kayak booking cancelled at least 48 hours before departure is refunded in full.' },
];

async function writePdf(): Promise<void> {
  const pdf = await PDFDocument.create();
  // Fixed dates keep the file byte-identical across runs.
  pdf.setCreationDate(new Date('2026-01-01T00:00:00Z'));
  pdf.setModificationDate(new Date('2026-01-01T00:00:00Z'));
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([612, 792]);
  pdfLines.forEach((line, index) => {
    page.drawText(line, { x: 50, y: 740 - index * 20, size: index === 0 ? 16 : 11, font });
  });
  await writeFile(new URL('sample.pdf', here), await pdf.save());
}

async function writeDocx(): Promise<void> {
  const document = new Document({
    creator: 'PrivexBot fixtures',
    sections: [
      {
        children: docxParagraphs.map((p) =>
          'heading' in p
            ? new Paragraph({ text: p.heading, heading: HeadingLevel.HEADING_1 })
            : new Paragraph({ text: p.text }),
        ),
      },
    ],
  });
  await writeFile(new URL('sample.docx', here), await Packer.toBuffer(document));
}

await writePdf();
await writeDocx();
console.log('wrote sample.pdf and sample.docx');
