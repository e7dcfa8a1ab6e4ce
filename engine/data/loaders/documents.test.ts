import { describe, expect, it } from 'vitest';
import { makeDocx, makeZip } from '../../../test/helpers/make-docx.ts';
import { makePdf } from '../../../test/helpers/make-pdf.ts';
import type { LoadedDocument } from './index.ts';
import { loadPdf } from './pdf.ts';
import { utf8, load, checkDocument, unreadable, sectionOf } from './test-helpers.ts';

describe('pdf', () => {
  const para = (topic: string) => `${topic} sentences fill this paragraph so that it wraps over several lines of the page. `.repeat(4).trim();

  it('gives one section per page with 1-based page numbers and the Info title', async () => {
    const bytes = makePdf(
      [{ text: 'Chapter One', size: 18, bold: true }, para('Alpha'), para('Bravo'), { pageBreak: true }, para('Charlie'), { pageBreak: true }, { pageBreak: true }, para('Delta')],
      { title: 'Phonetic (Alphabet) Notes' },
    );
    const doc = checkDocument(await load('alphabet.pdf', bytes));
    expect(doc).toMatchObject({ title: 'Phonetic (Alphabet) Notes', format: 'pdf' });
    // Page 3 is blank: it has no section, and page 4 keeps its own number.
    expect(doc.sections.map((s) => s.page)).toEqual([1, 2, 4]);
    expect(doc.sections.map((s) => s.headingPath)).toEqual([[], [], []]);
    const [p1, p2, p4] = doc.sections;
    expect(p1.text).toMatch(/^Chapter One\n\nAlpha/);
    expect(p1.text).toContain('Bravo');
    expect(p1.text).not.toMatch(/Charlie|Delta/);
    expect(p2.text).toMatch(/^Charlie/);
    expect(p2.text).not.toMatch(/Alpha|Delta/);
    expect(p4.text).toMatch(/^Delta/);
  });

  it('finds paragraphs: a blank line between them, single line breaks inside one', async () => {
    const doc = await load('p.pdf', makePdf([para('Alpha'), para('Bravo')]));
    const paragraphs = doc.fullText.split('\n\n');
    expect(paragraphs).toHaveLength(2);
    for (const [i, p] of paragraphs.entries()) {
      expect(p.split('\n').length).toBeGreaterThan(1); // wrapped over lines
      expect(p.replace(/\n/g, ' ')).toBe(para(['Alpha', 'Bravo'][i]));
    }
    expect(doc.title).toBe('p');
  });

  it('flows a long text over pages, every page numbered', async () => {
    const paras = Array.from({ length: 30 }, (_, i) => `Paragraph ${i + 1}. ${para('Filler')}`);
    const doc = checkDocument(await load('long.pdf', makePdf(paras)));
    expect(doc.sections.length).toBeGreaterThan(3);
    expect(doc.sections.map((s) => s.page)).toEqual(doc.sections.map((_, i) => i + 1));
    for (let i = 1; i <= 30; i++) expect(doc.fullText).toContain(`Paragraph ${i}. Filler`);
  });

  it('rejects files that are not PDFs, truncated or garbage after the header, or have no text', async () => {
    const good = makePdf([para('Alpha'), { pageBreak: true }, para('Bravo')]);
    await unreadable(load('fake.pdf', '<html>not a pdf</html>'), 'fake.pdf', /not a PDF/);
    await unreadable(load('cut.pdf', good.subarray(0, 400)), 'cut.pdf', /not a valid PDF/);
    let x = 3;
    const garbage = new Uint8Array([...utf8('%PDF-1.7\n'), ...Array.from({ length: 3000 }, () => (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16)]);
    await unreadable(load('garbage.pdf', garbage), 'garbage.pdf');
    await unreadable(load('blank.pdf', makePdf([{ pageBreak: true }, { pageBreak: true }])), 'blank.pdf', /no text layer/);
  });

  it('fails or recovers cleanly when a PDF is cut in the middle, never hangs or crashes', async () => {
    const good = makePdf([para('Alpha'), { pageBreak: true }, para('Bravo'), { pageBreak: true }, para('Charlie')]);
    for (const cut of [0.3, 0.6, 0.9]) {
      const bytes = good.subarray(0, Math.floor(good.length * cut));
      const result: LoadedDocument | Error = await load(`cut-${cut}.pdf`, bytes).then(
        (doc) => checkDocument(doc),
        (err: Error) => err,
      );
      if (result instanceof Error) expect(result).toMatchObject({ code: 'unreadable_file' });
      // pdf.js may rebuild a damaged file; what it recovers must be real text of the document.
      else for (const s of result.sections) expect(['Alpha', 'Bravo', 'Charlie'].some((w) => s.text.startsWith(w))).toBe(true);
    }
  });

  it('gives up on a PDF that takes longer than its time limit', async () => {
    const bytes = makePdf(Array.from({ length: 200 }, (_, i) => `Line ${i} ${para('Slow')}`));
    await unreadable(loadPdf('slow.pdf', bytes, 1), 'slow.pdf', /took over 1 ms/);
  });
});

describe('docx', () => {
  it('reads Word heading styles as heading paths, tables as rows, the first h1 as title', async () => {
    const bytes = await makeDocx([
      'A preface before any heading.',
      { heading: 1, text: 'Staff Handbook' },
      'Welcome to the team.',
      { heading: 2, text: 'Leave' },
      { heading: 3, text: 'Annual leave' },
      'You get 25 days a year.',
      'Ask two weeks ahead.',
      { heading: 2, text: 'Equipment' },
      { bullet: 'A laptop' },
      { table: [['Item', 'Budget'], ['Chair', '$300'], ['Desk', '$500']] },
    ]);
    const doc = checkDocument(await load('handbook.docx', bytes));
    expect(doc).toMatchObject({ title: 'Staff Handbook', format: 'docx' });
    expect(sectionOf(doc, 'preface').headingPath).toEqual([]);
    expect(sectionOf(doc, 'Welcome').headingPath).toEqual(['Staff Handbook']);
    const leave = sectionOf(doc, '25 days');
    expect(leave.headingPath).toEqual(['Staff Handbook', 'Leave', 'Annual leave']);
    // Word paragraphs are paragraphs.
    expect(leave.text).toBe('You get 25 days a year.\n\nAsk two weeks ahead.');
    const equipment = sectionOf(doc, 'laptop');
    expect(equipment.headingPath).toEqual(['Staff Handbook', 'Equipment']);
    expect(equipment.text).toContain('Item | Budget\nChair | $300\nDesk | $500');
  });

  it('titles a document by its first heading, else by its file name', async () => {
    const doc = await load('minutes/2024-05.docx', await makeDocx(['Present: Ana, Ben.', { heading: 2, text: 'Attendees' }, 'Ana, Ben.']));
    expect(doc.title).toBe('Attendees');
    expect(doc.sections.map((s) => s.headingPath)).toEqual([[], ['Attendees']]);
    expect((await load('minutes/2024-06.docx', await makeDocx(['No headings here.']))).title).toBe('2024-06');
  });

  it('rejects a .docx that is not a zip, a zip that is not a Word document, and a cut one', async () => {
    await unreadable(load('letter.docx', 'Dear Sir, this is plain text.'), 'letter.docx', /not a ZIP/);
    await unreadable(load('other.docx', await makeZip({ 'readme.txt': 'hello' })), 'other.docx', /not a valid \.docx/);
    const good = await makeDocx(['Some text.', 'More text.']);
    await unreadable(load('cut.docx', good.subarray(0, good.length >> 1)), 'cut.docx');
  });
});
