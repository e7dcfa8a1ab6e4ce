/** POST /api/import/promptflow from the studio: a picked folder's files, or a .zip, and what comes back. */
import { ApiError, request } from '../api/client.ts';

export type ItemStatus = 'converted' | 'changed' | 'attention' | 'not_converted';

export interface ImportItem {
  status: ItemStatus;
  what: string;
  source?: { file: string; line?: number };
  target?: string;
  why?: string;
  todo?: string;
}

/** A validation problem of an imported flow; warnings (a deployment not here yet) do not stop it running. */
export interface FlowProblem {
  code: string;
  message: string;
  node?: string;
  severity?: 'error' | 'warning';
}

export interface ImportAnswer {
  outcome: 'converted' | 'attention' | 'failed';
  dry_run: boolean;
  flows: { name: string; status: 'created' | 'replaced'; valid: boolean; problems: FlowProblem[] }[];
  connections: { name: string; type: string; created: boolean; missing: string[] }[];
  missing_deployments: string[];
  unmapped_models: string[];
  report: { source: string; items: ImportItem[] };
  ignored?: string[];
}

/** What was picked: a folder (its files, named by their path in it) or one zip. */
export type ImportSource = { kind: 'folder'; name: string; files: File[] } | { kind: 'zip'; name: string; file: File };

export interface ImportChoices {
  name?: string;
  deploymentMap: Record<string, string>;
  replace: boolean;
  dryRun: boolean;
}

/**
 * Folders no flow needs, never uploaded: a picked folder often holds a virtual environment or a
 * git checkout many times the flow's size (the server leaves them out too), and `.env` holds secrets.
 */
const SKIPPED = /(^|\/)(?:__pycache__|node_modules|\.venv|venv|\.git|\.promptflow|\.runs|\.mypy_cache|\.pytest_cache|\.idea|\.vscode)\/|(^|\/)(?:\.DS_Store|\.env)$/;

/** The files of a folder pick (webkitdirectory), without what no flow needs. */
export function folderSource(list: FileList): ImportSource | undefined {
  const files = [...list].filter((f) => !SKIPPED.test(f.webkitRelativePath || f.name));
  if (!files.length) return undefined;
  const top = (files[0].webkitRelativePath || files[0].name).split('/')[0];
  return { kind: 'folder', name: top, files };
}

/** A folder's or zip's name as a flow name suggestion (`chat basic.zip` → `chat_basic`). */
export function suggestedName(source: ImportSource): string {
  const base = source.name.replace(/\.zip$/i, '').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 128);
  return /^[0-9-]/.test(base) ? `_${base}` : base;
}

/** The answer, also when the importer could not convert the flow (a 422 that carries its report). */
export async function importPromptflow(source: ImportSource, choices: ImportChoices): Promise<ImportAnswer> {
  const query = new URLSearchParams();
  if (choices.name) query.set('name', choices.name);
  if (Object.keys(choices.deploymentMap).length) query.set('deployment_map', JSON.stringify(choices.deploymentMap));
  if (choices.replace) query.set('replace', 'true');
  if (choices.dryRun) query.set('dry_run', 'true');
  const path = `/api/import/promptflow?${query}`;
  let body: BodyInit;
  let headers: Record<string, string> = {};
  if (source.kind === 'zip') {
    body = source.file;
    headers = { 'content-type': 'application/zip' };
  } else {
    const form = new FormData();
    for (const f of source.files) form.append('files', f, f.webkitRelativePath || f.name);
    body = form;
  }
  try {
    return (await (await request(path, { method: 'POST', raw: body, headers })).json()) as ImportAnswer;
  } catch (err) {
    // A failed import still says why, item by item: the report is the answer.
    if (err instanceof ApiError && err.code === 'import_failed' && err.status === 422) return failedAnswer(err);
    throw err;
  }
}

function failedAnswer(err: ApiError): ImportAnswer {
  const report = (err.details.report as ImportAnswer['report'] | undefined) ?? { source: '', items: [] };
  const items: ImportItem[] = report.items.length ? report.items : [{ status: 'not_converted', what: err.message }];
  return { outcome: 'failed', dry_run: false, flows: [], connections: [], missing_deployments: [], unmapped_models: [], report: { ...report, items } };
}
