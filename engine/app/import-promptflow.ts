/**
 * A prompt flow imported into the workspace (the studio's import, POST /api/import/promptflow): the
 * importer's flows saved as drafts the way POST /api/flows saves them (validated; kept with their
 * problems, refused only when the server could not serve them back), and its connections created.
 */
import { importPromptflow } from '../../importers/promptflow/import-flow.ts';
import type { ImportFiles, ImportItem, ImportResult } from '../../importers/promptflow/types.ts';
import { WeirError, type Problem } from '../errors.ts';
import { flowName, readFlowSource, type FlowSource } from './flow-source.ts';
import type { Workspace } from './workspace.ts';

export interface ImportRequest {
  name?: string;
  deploymentMap?: Record<string, string>;
  /** Work out and check everything, store nothing. */
  dryRun: boolean;
  /** Replace drafts of the same names (otherwise a 409 names them). */
  replace: boolean;
}

export interface ImportedFlow {
  name: string;
  status: 'created' | 'replaced';
  valid: boolean;
  problems: Problem[];
}

export interface ImportAnswer {
  outcome: ImportResult['outcome'];
  dry_run: boolean;
  flows: ImportedFlow[];
  /** `created` false: a connection of that name was there already and is kept as it is. */
  connections: { name: string; type: string; created: boolean; missing: string[] }[];
  /** Deployments the imported flows name that this server does not have (map them, or deploy them). */
  missing_deployments: string[];
  /** Models the flows call straight over a connection, no Weir deployment mapped (what a deployment_map entry would map). */
  unmapped_models: string[];
  report: { source: string; items: ImportItem[] };
}

/** An importer that could not convert the flow: a 422 that still carries its report. */
export class ImportFailedError extends WeirError {
  constructor(readonly answer: ImportAnswer) {
    const why = answer.report.items.find((i) => i.status === 'not_converted');
    super('import_failed', `the prompt flow could not be imported${why ? `: ${why.what}${why.why ? ` (${why.why})` : ''}` : ''}`, { status: 422 });
  }
}

const empty = (r: ImportResult, dryRun: boolean): ImportAnswer => ({ outcome: r.outcome, dry_run: dryRun, flows: [], connections: [], missing_deployments: [], unmapped_models: [], report: r.report });

const CONNECTION_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Model names nodes call over a connection (`model` beside `connection` in their config): how the
 * importer leaves a prompt flow deployment no deployment_map entry named, so the studio can offer
 * a row to map each.
 */
function connectionModels(definition: unknown): string[] {
  const nodes = isObj(definition) && Array.isArray(definition.nodes) ? definition.nodes : [];
  return nodes.flatMap((n) => (isObj(n) && isObj(n.config) && typeof n.config.connection === 'string' && typeof n.config.model === 'string' ? [n.config.model] : []));
}

/** A value at a problem's path inside a definition (where a warning's deployment name sits). */
function at(definition: unknown, path: (string | number)[]): unknown {
  let v = definition;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

/**
 * Runs the importer over the uploaded files (templates and code inlined: a stored flow has no
 * folder) and saves what it returns. Secrets are never read from the server's environment: an
 * uploaded connection file naming `${env:WEIR_MASTER_KEY}` must not turn the server's own secrets
 * into a connection's, so every `${env:…}` secret comes back as missing, to be set on the
 * Connections page.
 */
export async function importPromptflowInto(ws: Workspace, files: ImportFiles, req: ImportRequest): Promise<ImportAnswer> {
  const result = await importPromptflow(files, { inline: true, env: {}, name: req.name, deploymentMap: req.deploymentMap });
  if (result.outcome === 'failed' || !result.flows.length) throw new ImportFailedError({ ...empty(result, req.dryRun), outcome: 'failed' });

  const drafts: { name: string; src: FlowSource }[] = result.flows.map((f) => {
    const src = readFlowSource(f.yaml, 'application/yaml');
    if (src.problems.length) {
      // The importer wrote YAML that does not read back: its bug, but the user still gets the report.
      const p = src.problems[0];
      throw new ImportFailedError({
        ...empty(result, req.dryRun),
        outcome: 'failed',
        report: { ...result.report, items: [...result.report.items, { status: 'not_converted', what: `flow ${f.name}`, why: `the converted flow does not read back: ${p.message}${p.line ? ` (line ${p.line})` : ''}`, todo: 'report this as a bug in Weir\'s importer, with the flow' }] },
      });
    }
    return { name: f.name, src };
  });
  for (const d of drafts) {
    if (flowName(d.src.definition) !== d.name) throw new WeirError('name_mismatch', `the importer named a flow "${d.name}" but its file says "${flowName(d.src.definition)}"`, { status: 500 });
  }

  const existing = (await Promise.all(drafts.map(async (d) => ((await ws.flows.find(d.name)) ? d.name : undefined)))).filter((n): n is string => !!n);
  if (existing.length && !req.replace) {
    throw new WeirError('flow_exists', `${existing.length === 1 ? 'a flow' : 'flows'} named ${existing.map((n) => `"${n}"`).join(', ')} already exist${existing.length === 1 ? 's' : ''}: import under another name, or replace ${existing.length === 1 ? 'it' : 'them'} (replace=true)`, { status: 409, path: ['name'] });
  }

  // Every draft is checked before any is stored: one the server could not serve back stops the whole import.
  const checked = [];
  for (const d of drafts) checked.push(await ws.flows.withWarnings(await ws.validateDraft(d.src.definition, d.src.locate), d.src.locate));
  const flows: ImportedFlow[] = [];
  for (const [i, d] of drafts.entries()) {
    const status = existing.includes(d.name) ? 'replaced' : 'created';
    const v = req.dryRun ? checked[i] : (await ws.flows.save(d.name, d.src, d.src.locate)).checked;
    flows.push({ name: d.name, status, valid: v.ok, problems: v.problems });
  }

  const missingDeployments = new Set<string>();
  for (const [i, f] of flows.entries()) {
    for (const p of f.problems) {
      const name = p.code === 'unknown_deployment' ? at(drafts[i].src.definition, p.path) : undefined;
      if (typeof name === 'string') missingDeployments.add(name);
    }
  }

  const connections: ImportAnswer['connections'] = [];
  for (const c of result.connections) {
    // The importer checks names too; a name the connections API would refuse is never stored from here either.
    if (!CONNECTION_NAME.test(c.name)) continue;
    const before = await ws.connections.get(c.name);
    if (before) {
      // Kept as it is (its secrets may have been set by hand). Listed as missing: secrets the file filled
      // that it lacks; an unfilled `${env:VAR}` names a variable, not one of its secrets, so it is not compared.
      connections.push({ name: c.name, type: before.type, created: false, missing: Object.keys(c.secrets).filter((s) => !before.secretNames.includes(s)) });
      continue;
    }
    if (!req.dryRun) await ws.connections.put({ name: c.name, type: c.type, settings: c.settings, secrets: c.secrets });
    connections.push({ name: c.name, type: c.type, created: true, missing: c.missing });
  }

  const unmapped = [...new Set(drafts.flatMap((d) => connectionModels(d.src.definition)))];
  // A flow saved with problems (kept as a draft, as POST /api/flows keeps one) needs attention whatever the importer thought.
  const outcome = result.outcome === 'converted' && flows.some((f) => !f.valid) ? 'attention' : result.outcome;
  return { outcome, dry_run: req.dryRun, flows, connections, missing_deployments: [...missingDeployments], unmapped_models: unmapped, report: result.report };
}
