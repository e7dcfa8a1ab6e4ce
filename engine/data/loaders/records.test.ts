import { describe, expect, it } from 'vitest';
import { utf8, load, checkDocument, unreadable } from './test-helpers.ts';

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
