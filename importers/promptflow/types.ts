/**
 * The prompt flow importer's contract, shared by the CLI (`weir import promptflow`) and the studio's
 * import route: files in memory in, Weir flows, files, connections and a report out.
 */
export interface ImportOptions {
  /** Prompt flow deployment or model name → Weir deployment; the key `*` maps every name not listed. */
  deploymentMap?: Record<string, string>;
  /** Templates and Python code go into the flow config (`template`, `code`, `modules`); `files` stays empty. */
  inline?: boolean;
  /** Where `${env:VAR}` secrets of connection YAML files are read from (the CLI passes process.env). */
  env?: Record<string, string | undefined>;
  /** The flow's name; default: the folder name the files came from, else `promptflow`. */
  name?: string;
}

export type ImportStatus = 'converted' | 'changed' | 'attention' | 'not_converted';

export interface ImportItem {
  status: ImportStatus;
  what: string;
  source?: { file: string; line?: number };
  target?: string;
  why?: string;
  todo?: string;
}

export interface ImportedConnection {
  name: string;
  type: string;
  settings: Record<string, unknown>;
  /** Resolved secret values: for creating the connection only, never written to a file or a report. */
  secrets: Record<string, string>;
  /** Secrets that could not be filled: the environment variable named by `${env:VAR}`, or the secret's key. */
  missing: string[];
}

export interface ImportResult {
  outcome: 'converted' | 'attention' | 'failed';
  /** The main flow first, then its variants as `name@variant`. */
  flows: { name: string; yaml: string }[];
  /** Files to write beside the flows (templates, Python code, includes), relative paths. */
  files: { path: string; content: string }[];
  connections: ImportedConnection[];
  report: { source: string; items: ImportItem[] };
}

/** The uploaded files: paths relative to the flow folder (or to an upload holding it), `/`-separated. */
export type ImportFiles = Map<string, string | Uint8Array>;
