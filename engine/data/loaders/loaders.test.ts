import { describe, expect, it } from 'vitest';
import { extensionOf, loadDocument, SUPPORTED_EXTENSIONS } from './index.ts';
import { utf8, load, checkDocument, failure, unreadable } from './test-helpers.ts';

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
