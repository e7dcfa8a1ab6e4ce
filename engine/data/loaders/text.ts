/** Plain text: one section; paragraphs stay as blank-line breaks for the chunker to find. */
import { buildDocument, decodeText, stem } from './common.ts';
import type { LoadedDocument } from './types.ts';

export function loadText(name: string, bytes: Uint8Array): LoadedDocument {
  const text = decodeText(name, bytes);
  return buildDocument(name, 'txt', stem(name), [{ text, headingPath: [] }]);
}
