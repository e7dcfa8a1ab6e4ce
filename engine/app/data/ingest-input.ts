/** What a job is given, checked before anything is staged: file names, job options, batch limits. */
import { WeirError } from '../../errors.ts';
import type { DataJobOptions } from '../../store/data-types.ts';

export const MAX_FILES_PER_JOB = 10_000;
const MAX_NAME = 512;

/** A file name as documents are known by: a relative path with forward slashes. */
export function documentName(raw: string, at: (string | number)[]): string {
  const name = raw.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/^\/+/, '');
  const bad = (why: string) => new WeirError('invalid_file_name', `file name "${raw}" ${why}`, { status: 400, path: at });
  if (!name || name.endsWith('/')) throw bad('is empty');
  if (name.length > MAX_NAME) throw bad(`is longer than ${MAX_NAME} characters`);
  if (name.split('/').some((p) => p === '..' || p === '.' || p === '')) throw bad('has an empty, "." or ".." part');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw bad('has control characters');
  return name;
}

export function checkOptions(o: DataJobOptions): DataJobOptions {
  const out: DataJobOptions = {};
  if (o.textField !== undefined) {
    if (typeof o.textField !== 'string' || !o.textField || o.textField.length > 128) throw new WeirError('invalid_text_field', 'text_field must be a field name of 1 to 128 characters', { status: 400, path: ['text_field'] });
    out.textField = o.textField;
  }
  if (o.tags !== undefined) {
    if (!Array.isArray(o.tags) || o.tags.length > 32 || o.tags.some((t) => typeof t !== 'string' || !t.trim() || t.length > 64)) {
      throw new WeirError('invalid_tags', 'tags must be up to 32 non-empty strings of at most 64 characters', { status: 400, path: ['tags'] });
    }
    out.tags = [...new Set(o.tags.map((t) => t.trim()))];
  }
  return out;
}

export function checkNames(files: { name: string }[]): void {
  const seen = new Set<string>();
  files.forEach((f, i) => {
    documentName(f.name, ['files', i]);
    if (seen.has(f.name)) throw new WeirError('duplicate_file', `"${f.name}" appears twice in one batch`, { status: 400, path: ['files', i] });
    seen.add(f.name);
  });
}
