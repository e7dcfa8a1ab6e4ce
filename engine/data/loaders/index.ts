/**
 * `loadDocument`: bytes of an uploaded file in, a `LoadedDocument` out, the format chosen by the
 * file's extension. Every failure is a WeirError with a code the API maps to a status
 * (unsupported_file 415, file_too_large 413, unreadable_file 422), never a crash.
 */
import { WeirError } from '../../errors.ts';
import { unreadable } from './common.ts';
import { loadDocx } from './docx.ts';
import { loadHtml } from './html.ts';
import { loadMarkdown } from './markdown.ts';
import { loadPdf } from './pdf.ts';
import { loadCsv, loadJson, loadJsonl } from './records.ts';
import { loadText } from './text.ts';
import type { LoadedDocument } from './types.ts';

export type { DocumentFormat, LoadedDocument, MetadataValue, Section } from './types.ts';
export { DEFAULT_TEXT_FIELDS } from './records.ts';

/** Larger files are almost always data dumps or mistakes, and would hold a worker for minutes. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

type Loader = (name: string, bytes: Uint8Array, opts: { textField?: string }) => LoadedDocument | Promise<LoadedDocument>;

const LOADERS: Record<string, Loader> = {
  '.txt': loadText,
  '.md': loadMarkdown,
  '.markdown': loadMarkdown,
  '.html': loadHtml,
  '.htm': loadHtml,
  '.pdf': (name, bytes) => loadPdf(name, bytes),
  '.docx': loadDocx,
  '.json': loadJson,
  '.jsonl': loadJsonl,
  '.csv': loadCsv,
};

export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(LOADERS);

export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

export async function loadDocument(
  file: { name: string; bytes: Uint8Array },
  opts: { textField?: string; maxBytes?: number } = {},
): Promise<LoadedDocument> {
  const { name, bytes } = file;
  const loader = LOADERS[extensionOf(name)];
  if (!loader) {
    throw new WeirError('unsupported_file', `"${name}" is not a supported file type; supported: ${SUPPORTED_EXTENSIONS.join(', ')}`, { status: 415 });
  }
  const max = opts.maxBytes ?? MAX_FILE_BYTES;
  if (bytes.byteLength > max) {
    throw new WeirError('file_too_large', `"${name}" is ${bytes.byteLength} bytes; the limit is ${max} bytes`, { status: 413 });
  }
  if (bytes.byteLength === 0) throw unreadable(name, 'the file is empty');
  try {
    return await loader(name, bytes, { textField: opts.textField });
  } catch (err) {
    if (err instanceof WeirError) throw err;
    // A parser bug or an edge case no loader anticipated: still the caller's file, still a 422.
    throw unreadable(name, err instanceof Error ? err.message : String(err), err);
  }
}
