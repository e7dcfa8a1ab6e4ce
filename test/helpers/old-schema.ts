import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Journal {
  entries: { idx: number; tag: string }[];
}

/**
 * A copy of a migrations folder whose journal stops before `tag`: migrating with it gives a database
 * as a Weir release older than that migration left it, so a test can open that database with the
 * current store and see the migration upgrade it in place. The copy is made in `into` (a temp folder
 * the test removes).
 */
export function migrationsBefore(folder: string, tag: string, into: string): string {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as Journal;
  const at = journal.entries.findIndex((e) => e.tag === tag);
  if (at < 0) throw new Error(`no migration ${tag} in ${folder}`);
  const copy = join(into, 'migrations');
  cpSync(folder, copy, { recursive: true });
  writeFileSync(join(copy, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return copy;
}
