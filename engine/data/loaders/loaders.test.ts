import { describe, expect, it } from 'vitest';
import { makeDocx, makeZip } from '../../../test/helpers/make-docx.ts';
import { makePdf } from '../../../test/helpers/make-pdf.ts';
import { WeirError } from '../../errors.ts';
import { extensionOf, loadDocument, SUPPORTED_EXTENSIONS, type LoadedDocument } from './index.ts';
import { loadPdf } from './pdf.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const load = (name: string, content: string | Uint8Array, opts?: { textField?: string; maxBytes?: number }) =>
  loadDocument({ name, bytes: typeof content === 'string' ? utf8(content) : content }, opts);

/** What every loaded document must satisfy, whatever its format. */
function checkDocument(doc: LoadedDocument): LoadedDocument {
  expect(doc.sections.length).toBeGreaterThan(0);
  let prevEnd = -1;
  for (const s of doc.sections) {
    expect(doc.fullText.slice(s.start, s.end)).toBe(s.text);
    expect(s.text.trim()).toBe(s.text);
    expect(s.text).not.toBe('');
    expect(s.start).toBeGreaterThan(prevEnd);
    prevEnd = s.end;
  }
  // Nothing in fullText outside the sections but the blank lines between them.
  expect(doc.sections.map((s) => s.text).join('\n\n')).toBe(doc.fullText);
  return doc;
}

/** The WeirError a load fails with (fails the test if it loads). */
async function failure(p: Promise<unknown>): Promise<WeirError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WeirError);
  return err as WeirError;
}

async function unreadable(p: Promise<unknown>, name: string, ...words: (string | RegExp)[]) {
  const err = await failure(p);
  expect(err).toMatchObject({ code: 'unreadable_file', status: 422 });
  expect(err.message).toContain(`"${name}"`);
  for (const w of words) expect(err.message).toMatch(w);
  return err;
}

const sectionOf = (doc: LoadedDocument, words: string) => {
  const s = doc.sections.find((x) => x.text.includes(words));
  if (!s) throw new Error(`no section contains ${JSON.stringify(words)}`);
  return s;
};

describe('loadDocument: format choice and limits', () => {
  it('picks the loader by extension, case-insensitively, and names what it supports', async () => {
    for (const ext of ['.txt', '.md', '.markdown', '.html', '.htm', '.pdf', '.docx', '.json', '.jsonl', '.csv']) {
      expect(SUPPORTED_EXTENSIONS).toContain(ext);
    }
    expect((await load('NOTES.TXT', 'hello there')).format).toBe('txt');
    expect((await load('dir/Guide.MD', '# Guide\n\ntext')).format).toBe('md');
    expect(extensionOf('a/b.c/file')).toBe('');
    expect(extensionOf('.bashrc')).toBe('');
    expect(extensionOf('C:\\docs\\Report.Final.PDF')).toBe('.pdf');
  });

  it('rejects unsupported files by name with 415, whatever their content', async () => {
    for (const name of ['diagram.png', 'notes.rtf', 'Makefile', 'archive.tar.gz', 'slides.pptx']) {
      const err = await failure(load(name, 'plain text inside'));
      expect(err).toMatchObject({ code: 'unsupported_file', status: 415 });
      expect(err.message).toContain(`"${name}"`);
      expect(err.message).toContain('.pdf');
    }
  });

  it('rejects a file over maxBytes with 413 before parsing it', async () => {
    const bytes = utf8('x'.repeat(1001));
    const err = await failure(load('big.txt', bytes, { maxBytes: 1000 }));
    expect(err).toMatchObject({ code: 'file_too_large', status: 413 });
    expect(err.message).toContain('"big.txt"');
    expect(err.message).toContain('1000');
    // Size comes first: a too-large broken PDF is a 413, not a parse error.
    expect(await failure(load('big.pdf', bytes, { maxBytes: 1000 }))).toMatchObject({ code: 'file_too_large' });
    expect((await load('ok.txt', bytes.subarray(0, 1000), { maxBytes: 1000 })).fullText).toHaveLength(1000);
  });

  it('rejects empty and whitespace-only files of every format as unreadable', async () => {
    for (const name of ['a.txt', 'a.md', 'a.html', 'a.pdf', 'a.docx', 'a.json', 'a.jsonl', 'a.csv']) {
      await unreadable(load(name, new Uint8Array(0)), name, /empty/);
    }
    for (const name of ['a.txt', 'a.md', 'a.html', 'a.jsonl', 'a.csv']) await unreadable(load(name, ' \n\t\n  '), name, /no text/);
    await unreadable(load('tags.html', '<html><head><script>x()</script></head><body> <br> </body></html>'), 'tags.html', /no text/);
  });
});

describe('text files', () => {
  it('loads one section titled by the file name, with Windows line ends normalized', async () => {
    const doc = checkDocument(await load('notes/Meeting notes.txt', 'First line.\r\nSecond line.\r\n\r\nNew paragraph.  \r\n'));
    expect(doc).toMatchObject({ name: 'notes/Meeting notes.txt', title: 'Meeting notes', format: 'txt' });
    expect(doc.sections).toHaveLength(1);
    expect(doc.sections[0].headingPath).toEqual([]);
    expect(doc.fullText).toBe('First line.\nSecond line.\n\nNew paragraph.');
  });

  it('reads UTF-8 with a BOM, UTF-16 with a BOM, and Windows-1252 (Excel, old editors)', async () => {
    const words = 'Crème brûlée costs €4 — “naïve” café';
    expect((await load('bom.txt', new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(words)]))).fullText).toBe(words);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(words, 'utf16le')]);
    expect((await load('le.txt', new Uint8Array(le))).fullText).toBe(words);
    const be = Buffer.from(le);
    be.swap16();
    expect((await load('be.txt', new Uint8Array(be))).fullText).toBe(words);
    // Windows-1252: é = E9, € = 80, — = 97, “ ” = 93 94; not valid UTF-8.
    const cp1252 = new Uint8Array([...utf8('Cr'), 0xe8, ...utf8('me br'), 0xfb, ...utf8('l'), 0xe9, 0x65, ...utf8(' costs '), 0x80, ...utf8('4 '), 0x97, ...utf8(' '), 0x93, ...utf8('na'), 0xef, ...utf8('ve'), 0x94, ...utf8(' caf'), 0xe9]);
    expect((await load('legacy.txt', cp1252)).fullText).toBe(words);
  });

  it('rejects binary junk with a text extension instead of indexing garbage', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await unreadable(load('image.txt', new Uint8Array(png)), 'image.txt', /not text|binary/);
    // Deterministic pseudo-random bytes, as from a zip or an executable.
    let x = 7;
    const junk = Uint8Array.from({ length: 4096 }, () => (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16);
    for (const name of ['junk.txt', 'junk.md', 'junk.csv', 'junk.json', 'junk.html']) await unreadable(load(name, junk), name, /not text|binary/);
    // Valid UTF-8 with NUL bytes is a binary file too.
    await unreadable(load('nul.txt', 'abc\u0000def'), 'nul.txt', /binary/);
  });
});

describe('markdown', () => {
  const md = [
    '---',
    'title: "The Field Guide"',
    'tags: [a, b]',
    '---',
    'Before any heading.',
    '',
    '# Birds',
    'Birds have feathers.',
    '',
    '## Songbirds',
    'Robins sing at dawn.',
    '',
    '### Thrushes',
    'Thrushes eat worms.',
    '',
    '## Raptors ##',
    'Hawks hunt by day.',
    '',
    '```python',
    '# not a heading, a comment',
    'print("hawk")',
    '```',
    '',
    '# Fish',
    '#### Deep sea',
    'Anglerfish carry a lure.',
    '',
    'Mammals',
    '=======',
    'Whales breathe air.',
    '',
    'Bats',
    '----',
    'Bats fly at night.',
    '',
    '---',
    '',
    'After a rule.',
  ].join('\n');

  it('gives each run of text its heading path, nested, across ATX and setext headings', async () => {
    const doc = checkDocument(await load('guide.md', md));
    expect(doc.title).toBe('The Field Guide');
    expect(doc.fullText).not.toContain('tags:');
    expect(sectionOf(doc, 'Before any heading').headingPath).toEqual([]);
    expect(sectionOf(doc, 'feathers').headingPath).toEqual(['Birds']);
    expect(sectionOf(doc, 'Robins').headingPath).toEqual(['Birds', 'Songbirds']);
    expect(sectionOf(doc, 'Thrushes eat').headingPath).toEqual(['Birds', 'Songbirds', 'Thrushes']);
    // A new h2 closes the h3 before it; closing #s are not part of the heading.
    expect(sectionOf(doc, 'Hawks').headingPath).toEqual(['Birds', 'Raptors']);
    // Code fences keep their '#' lines as text.
    expect(sectionOf(doc, 'Hawks').text).toContain('# not a heading, a comment');
    // A skipped level leaves no gap in the path.
    expect(sectionOf(doc, 'Anglerfish').headingPath).toEqual(['Fish', 'Deep sea']);
    expect(sectionOf(doc, 'Whales').headingPath).toEqual(['Mammals']);
    expect(sectionOf(doc, 'Bats fly').headingPath).toEqual(['Mammals', 'Bats']);
    expect(sectionOf(doc, 'After a rule').headingPath).toEqual(['Mammals', 'Bats']);
    // Heading lines are structure, not body text.
    expect(doc.sections.some((s) => /^#/m.test(s.text.replace(/```[\s\S]*?```/g, '')))).toBe(false);
  });

  it('takes the title from the first h1, else the file name; ignores empty headings', async () => {
    expect((await load('x.md', 'intro\n\n## Sub\n\ntext\n\n# Real Title\n\nmore')).title).toBe('Real Title');
    const doc = await load('docs/release-plan.markdown', 'Just text.\n\n#\n\nUnder an empty heading.');
    expect(doc.title).toBe('release-plan');
    expect(sectionOf(doc, 'Under an empty').headingPath).toEqual([]);
  });
});

describe('html', () => {
  const html = `<!DOCTYPE html><html><head>
    <title>  Garden   Tools </title>
    <style>body { color: STYLETEXT; }</style>
    <script>var tracking = "SCRIPTTEXT";</script>
  </head><body>
    <nav><a href="/"><img src="logo.png">NAVHOME</a><br> | <a href="/shop">NAVSHOP</a><input type="search"></nav>
    <noscript>NOSCRIPTTEXT</noscript>
    <div aria-hidden="true">ARIAHIDDEN<br/><hr></div><p hidden>HIDDENTEXT <b>nested</b><img src="x"></p>
    <p>Intro &amp; welcome, caf&eacute; &lt;tools&gt;.</p>
    <h1>Garden tools</h1>
    <p>Tools <em>make</em>
       gardening easier.</p>
    <h2>Spades</h2><p>A spade has a flat blade.</p>
    <h3>Border spades</h3><p>Border spades are narrow.</p>
    <h4>Tiny</h4><h5>Tinier</h5><h6>Tiniest</h6><p>Six levels deep.</p>
    <h2>Shears <small>(and loppers)</small></h2>
    <table><tr><th>Model</th><th>Price</th></tr><tr><td>Snip 2</td><td>$19</td></tr><tr><td><p>Lop XL</p></td><td>$45</td></tr></table>
    <ul><li>Oil the blades</li><li>Store dry</li></ul>
    <pre>line one
  line two</pre>
    <p>Unclosed paragraph <b>bold
  </body></html>`;

  it('keeps only readable text: script, style, nav, noscript and hidden content are dropped', async () => {
    const doc = checkDocument(await load('tools.html', html));
    for (const noise of ['STYLETEXT', 'SCRIPTTEXT', 'NAVHOME', 'NAVSHOP', 'NOSCRIPTTEXT', 'ARIAHIDDEN', 'HIDDENTEXT', 'nested', 'tracking', 'color']) {
      expect(doc.fullText).not.toContain(noise);
    }
    expect(doc.fullText).toContain('Intro & welcome, café <tools>.');
    expect(doc.fullText).toContain('Tools make gardening easier.');
    expect(doc.fullText).toContain('Unclosed paragraph bold');
  });

  it('builds heading paths from h1-h6 and titles the document by <title>', async () => {
    const doc = checkDocument(await load('tools.htm', html));
    expect(doc).toMatchObject({ title: 'Garden Tools', format: 'html' });
    expect(sectionOf(doc, 'Intro').headingPath).toEqual([]);
    expect(sectionOf(doc, 'gardening easier').headingPath).toEqual(['Garden tools']);
    expect(sectionOf(doc, 'flat blade').headingPath).toEqual(['Garden tools', 'Spades']);
    expect(sectionOf(doc, 'narrow').headingPath).toEqual(['Garden tools', 'Spades', 'Border spades']);
    expect(sectionOf(doc, 'Six levels').headingPath).toEqual(['Garden tools', 'Spades', 'Border spades', 'Tiny', 'Tinier', 'Tiniest']);
    expect(sectionOf(doc, 'Snip 2').headingPath).toEqual(['Garden tools', 'Shears (and loppers)']);
  });

  it('keeps table rows together as lines, list items as lines, and <pre> line breaks', async () => {
    const doc = await load('tools.html', html);
    const shears = sectionOf(doc, 'Snip 2').text;
    expect(shears).toContain('Model | Price\nSnip 2 | $19\nLop XL | $45');
    expect(shears).toContain('Oil the blades\nStore dry');
    expect(shears).toContain('line one\nline two');
    // Paragraphs are separated by blank lines for the chunker.
    expect(sectionOf(doc, 'Intro').text).toBe('Intro & welcome, café <tools>.');
  });

  it('titles by the first heading when there is no <title>, else by file name', async () => {
    expect((await load('page.html', '<p>x</p><h2>Second level</h2><p>y</p>')).title).toBe('Second level');
    expect((await load('dir/page.html', '<p>only text</p>')).title).toBe('page');
  });
});

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

describe('json and jsonl', () => {
  const records = [
    { id: 1, title: 'Returns', text: 'Returns are free for 30 days.', tags: ['a'], score: 4.5, public: true, extra: null },
    { id: 2, content: 'Shipping takes two days.', lang: 'en' },
    { id: 3, body: 'Gift cards never expire.' },
  ];

  it('takes text from text/content/body, keeps scalar fields as metadata and title as heading', async () => {
    const doc = checkDocument(await load('faq.json', JSON.stringify(records, null, 2)));
    expect(doc).toMatchObject({ format: 'json', title: 'faq' });
    expect(doc.sections.map((s) => s.text)).toEqual(['Returns are free for 30 days.', 'Shipping takes two days.', 'Gift cards never expire.']);
    expect(doc.sections[0].metadata).toEqual({ id: 1, title: 'Returns', score: 4.5, public: true });
    expect(doc.sections[0].headingPath).toEqual(['Returns']);
    expect(doc.sections[1].metadata).toEqual({ id: 2, lang: 'en' });
    expect(doc.sections[1].headingPath).toEqual([]);
    // A single object is a one-record file.
    expect((await load('one.json', JSON.stringify(records[2]))).sections.map((s) => s.text)).toEqual(['Gift cards never expire.']);
  });

  it('uses the chosen text field, keeping the default-named fields as metadata', async () => {
    const rows = [{ question: 'Can I return shoes?', answer: 'Yes, within 30 days.', text: 'internal note' }];
    const doc = await load('qa.json', JSON.stringify(rows), { textField: 'answer' });
    expect(doc.sections[0].text).toBe('Yes, within 30 days.');
    expect(doc.sections[0].metadata).toEqual({ question: 'Can I return shoes?', text: 'internal note' });
    const lines = await load('qa.jsonl', rows.map((r) => JSON.stringify(r)).join('\n'), { textField: 'question' });
    expect(lines.sections[0].text).toBe('Can I return shoes?');
  });

  it('names the file, the record and the missing field', async () => {
    const err = await unreadable(load('faq.json', JSON.stringify([{ text: 'ok' }, { summary: 'no text field' }])), 'faq.json', /record 2/);
    for (const f of ['text', 'content', 'body']) expect(err.message).toContain(`"${f}"`);
    await unreadable(load('faq.json', JSON.stringify([{ answer: 'x' }, { question: 'y' }]), { textField: 'answer' }), 'faq.json', /record 2/, /"answer"/);
    await unreadable(load('faq.json', JSON.stringify([{ text: '   ' }])), 'faq.json', /record 1/);
    await unreadable(load('list.json', JSON.stringify(['just', 'strings'])), 'list.json', /record 1 is not an object/);
  });

  it('reports invalid JSON by file, and by line for jsonl', async () => {
    await unreadable(load('bad.json', '[{"text": "a"},\n {"text": }]'), 'bad.json', /not valid JSON/);
    const jsonl = ['{"text": "one"}', '', '{"text": "three"}', '{"text": "four", oops}', '{"text": "five"}'].join('\n');
    await unreadable(load('bad.jsonl', jsonl), 'bad.jsonl', /line 4 is not valid JSON/);
    await unreadable(load('miss.jsonl', '{"text": "a"}\r\n{"title": "b"}\r\n'), 'miss.jsonl', /line 2 has no text/);
  });

  it('loads jsonl line by line, skipping blank lines', async () => {
    const doc = checkDocument(await load('log.jsonl', '{"text": "first", "n": 1}\n\n{"content": "second", "n": 2}\n'));
    expect(doc).toMatchObject({ format: 'jsonl', title: 'log' });
    expect(doc.sections.map((s) => [s.text, s.metadata])).toEqual([
      ['first', { n: 1 }],
      ['second', { n: 2 }],
    ]);
  });
});

describe('csv', () => {
  it('makes one section per row, "column: value" lines, the row as metadata', async () => {
    const csv = '\uFEFFname,price,notes\r\nKettle,25,"Boils 1.7 l, fast"\r\n\r\nMug,8,\r\n"Teapot ""Deluxe""",40,"Two lines\nof notes"\r\n';
    const doc = checkDocument(await load('shop.csv', csv));
    expect(doc).toMatchObject({ format: 'csv', title: 'shop' });
    expect(doc.sections.map((s) => s.text)).toEqual([
      'name: Kettle\nprice: 25\nnotes: Boils 1.7 l, fast',
      'name: Mug\nprice: 8',
      'name: Teapot "Deluxe"\nprice: 40\nnotes: Two lines\nof notes',
    ]);
    expect(doc.sections[0].metadata).toEqual({ name: 'Kettle', price: '25', notes: 'Boils 1.7 l, fast' });
    expect(doc.sections[1].metadata).toEqual({ name: 'Mug', price: '8' });
  });

  it('uses a chosen text column, and names the row and field when it is empty', async () => {
    const csv = 'sku,description\nA1,Red kettle\nB2,Blue mug\n';
    const doc = await load('items.csv', csv, { textField: 'description' });
    expect(doc.sections.map((s) => [s.text, s.metadata])).toEqual([
      ['Red kettle', { sku: 'A1' }],
      ['Blue mug', { sku: 'B2' }],
    ]);
    await unreadable(load('items.csv', 'sku,description\nA1,Red kettle\nB2,\n', { textField: 'description' }), 'items.csv', /row 3/, /"description"/);
    await unreadable(load('items.csv', csv, { textField: 'title' }), 'items.csv', /row 2/, /"title"/);
  });

  it('rejects a malformed CSV by name, and a header without rows', async () => {
    await unreadable(load('ragged.csv', 'a,b\n1,2\n3,4,5\n'), 'ragged.csv', /not valid CSV/);
    await unreadable(load('quote.csv', 'a,b\n"unclosed,2\n'), 'quote.csv', /not valid CSV/);
    await unreadable(load('header.csv', 'a,b,c\n'), 'header.csv', /no text/);
  });

  it('reads an Excel-style Windows-1252 export', async () => {
    const bytes = new Uint8Array([...utf8('city;note\n'.replace(';', ',')), ...utf8('Malm'), 0xf6, ...utf8(',Caf'), 0xe9, ...utf8(' at 8\n')]);
    expect((await load('cities.csv', bytes)).sections[0].metadata).toEqual({ city: 'Malmö', note: 'Café at 8' });
  });
});
