/**
 * Word .docx: mammoth converts the document to HTML (Word's "Heading 1".."Heading 6" paragraph
 * styles become h1-h6, tables become tables), which the HTML loader turns into sections with
 * heading paths, just like a web page. Images are left out: they carry no text, and inlining
 * them as base64 would only cost memory.
 */
import mammoth from 'mammoth';
import { unreadable } from './common.ts';
import { htmlToDocument } from './html.ts';
import type { LoadedDocument } from './types.ts';

const noImages = mammoth.images.imgElement(async () => ({ src: '' }));

export async function loadDocx(name: string, bytes: Uint8Array): Promise<LoadedDocument> {
  // Every .docx is a ZIP: anything else would only produce a confusing zip-library message.
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw unreadable(name, 'it is not a .docx (not a ZIP archive)');
  let html: string;
  try {
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }, { convertImage: noImages });
    html = result.value;
  } catch (err) {
    throw unreadable(name, `it is not a valid .docx (${err instanceof Error ? err.message : String(err)})`, err);
  }
  return htmlToDocument(name, html, 'docx');
}
