/** What the loader tests share: bytes in, a checked document out, and failures with their codes. */
import { expect } from 'vitest';
import { WeirError } from '../../errors.ts';
import { loadDocument, type LoadedDocument } from './index.ts';

export const utf8 = (s: string) => new TextEncoder().encode(s);
export const load = (name: string, content: string | Uint8Array, opts?: { textField?: string; maxBytes?: number }) =>
  loadDocument({ name, bytes: typeof content === 'string' ? utf8(content) : content }, opts);

/** What every loaded document must satisfy, whatever its format. */
export function checkDocument(doc: LoadedDocument): LoadedDocument {
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
export async function failure(p: Promise<unknown>): Promise<WeirError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WeirError);
  return err as WeirError;
}

export async function unreadable(p: Promise<unknown>, name: string, ...words: (string | RegExp)[]) {
  const err = await failure(p);
  expect(err).toMatchObject({ code: 'unreadable_file', status: 422 });
  expect(err.message).toContain(`"${name}"`);
  for (const w of words) expect(err.message).toMatch(w);
  return err;
}

export const sectionOf = (doc: LoadedDocument, words: string) => {
  const s = doc.sections.find((x) => x.text.includes(words));
  if (!s) throw new Error(`no section contains ${JSON.stringify(words)}`);
  return s;
};
