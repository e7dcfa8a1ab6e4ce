import type { ImportItem, ImportStatus } from './types.ts';

export interface ItemDetails {
  file?: string;
  line?: number;
  target?: string;
  why?: string;
  todo?: string;
}

/** The import report as it is built: every decision the importer makes lands here, once. */
export class Report {
  readonly items: ImportItem[] = [];

  add(status: ImportStatus, what: string, d: ItemDetails = {}): void {
    const item: ImportItem = { status, what };
    if (d.file !== undefined) item.source = d.line === undefined ? { file: d.file } : { file: d.file, line: d.line };
    if (d.target !== undefined) item.target = d.target;
    if (d.why !== undefined) item.why = d.why;
    if (d.todo !== undefined) item.todo = d.todo;
    this.items.push(item);
  }

  /** Whether anything needs a person: attention items, or what could not be converted. */
  needsAttention(): boolean {
    return this.items.some((i) => i.status === 'attention' || i.status === 'not_converted');
  }
}

/** Where a key of the flow file is, for a report item: `at(['nodes', 2, 'inputs'])`. */
export type Locator = (path: (string | number)[]) => { file: string; line?: number };
