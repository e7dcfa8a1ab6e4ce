/**
 * `weir import promptflow <dir|zip>`: a prompt flow DAG flow becomes Weir flow files (and its
 * variants), templates, Python tools and `import-report.json` in `--out`; connection YAML files
 * become connections in the workspace of `--data-dir`. Exit 0: converted with nothing to attend to;
 * 1: converted, with items that need attention (printed); 2: could not import.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importPromptflow, flowNameFrom } from '../../importers/promptflow/import-flow.ts';
import { readFolder, readZip, SourceUnreadable, type ReadSource } from '../../importers/promptflow/read-source.ts';
import type { ImportItem, ImportResult } from '../../importers/promptflow/types.ts';
import { WeirError } from '../errors.ts';
import { FlowLibrary, loadFlowFile } from '../flow/load.ts';
import type { NodeRegistry } from '../registry.ts';
import { openCliWorkspace } from './cli-workspace.ts';
import type { Io } from './commands.ts';
import { relative } from './format.ts';

const MAX_ZIP_BYTES = 64 * 1024 * 1024;
const MAX_CONNECTION_FILE_BYTES = 64 * 1024;

const fail = (message: string): never => {
  throw new WeirError('invalid_argument', message);
};

/** `--deployment-map gpt-4=chat` (repeatable; `a=b,c=d` also taken) → { 'gpt-4': 'chat' }. */
export function parseDeploymentMap(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    for (const pair of arg.split(',')) {
      const eq = pair.indexOf('=');
      const from = pair.slice(0, eq).trim();
      const to = pair.slice(eq + 1).trim();
      if (eq <= 0 || !from || !to) fail(`--deployment-map ${arg}: expected <prompt flow deployment or model>=<Weir deployment>, e.g. gpt-4=chat`);
      out[from] = to;
    }
  }
  return out;
}

function readSource(src: string): ReadSource | Promise<ReadSource> {
  if (!existsSync(src)) fail(`${src}: no such folder or zip file`);
  const st = statSync(src);
  if (st.isDirectory()) return readFolder(src);
  if (st.size > MAX_ZIP_BYTES) fail(`${src}: larger than ${MAX_ZIP_BYTES / 1024 / 1024} MiB; import the flow folder instead`);
  const bytes = readFileSync(src);
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) fail(`${src}: not a folder or a zip file`);
  return readZip(bytes);
}

const count = (items: ImportItem[], s: ImportItem['status']) => items.filter((i) => i.status === s).length;
const where = (i: ImportItem) => (i.source ? `${i.source.file}${i.source.line ? `:${i.source.line}` : ''}` : '(flow)');

/** The printed summary: counts per status, then each item that needs a person, with what to do. */
type ConnectionOutcome = { name: string; type: string; created: boolean; missing: string[] };

function summary(result: ImportResult, src: string, outDir: string | undefined, connections: ConnectionOutcome[] = []): string {
  const items = result.report.items;
  const lines: string[] = [];
  if (outDir) {
    const [main, ...variants] = result.flows;
    lines.push(`imported ${relative(src)} → ${path.join(relative(outDir), `${main.name}.flow.yaml`)}${variants.length ? ` (+ ${variants.length} variant flow${variants.length > 1 ? 's' : ''}: ${variants.map((v) => v.name).join(', ')})` : ''}`);
  } else lines.push(`could not import ${relative(src)}`);
  lines.push(`  ${count(items, 'converted')} converted, ${count(items, 'changed')} changed, ${count(items, 'attention')} need attention, ${count(items, 'not_converted')} not converted`);
  for (const [status, title] of [['not_converted', 'not converted'], ['attention', 'needs attention']] as const) {
    const list = items.filter((i) => i.status === status);
    if (!list.length) continue;
    lines.push('', `${title}:`);
    for (const i of list) {
      lines.push(`  ${where(i)}  ${i.what}`);
      if (i.why) lines.push(`      why: ${i.why}`);
      if (i.todo) lines.push(`      do:  ${i.todo}`);
    }
  }
  if (outDir && result.flows.length > 1) {
    const [main, ...variants] = result.flows;
    lines.push('', 'variants: each is the main flow with one node swapped; compare them over the same data:');
    lines.push(`  weir run ${path.join(relative(outDir), `${main.name}.flow.yaml`)} --data data.jsonl --output ${main.name}.jsonl`);
    for (const v of variants) lines.push(`  weir run ${path.join(relative(outDir), `${v.name}.flow.yaml`)} --data data.jsonl --output ${v.name}.jsonl`);
  }
  if (connections.length) {
    lines.push('', 'connections:');
    for (const c of connections) lines.push(`  ${c.name} (${c.type}): ${c.created ? 'created' : 'not created'}${c.missing.length ? `; missing ${c.missing.join(', ')}` : ''}`);
  }
  if (outDir) lines.push('', `report: ${path.join(relative(outDir), 'import-report.json')}`);
  return lines.join('\n') + '\n';
}

/** Writes the flows and their files; every path stays inside `out` (the importer's are relative, checked again here). */
function writeOut(out: string, result: ImportResult): void {
  const put = (rel: string, content: string) => {
    const full = path.resolve(out, rel);
    const back = path.relative(out, full);
    if (back.startsWith('..') || path.isAbsolute(back)) throw new WeirError('invalid_argument', `refusing to write ${rel} outside ${out}`);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  };
  for (const f of result.files) put(f.path, f.content);
  for (const f of result.flows) put(`${f.name}.flow.yaml`, f.yaml);
}

/** The written flows as Weir validates them: each problem becomes an attention item. */
async function validateWritten(out: string, result: ImportResult, registry: NodeRegistry): Promise<void> {
  const lib = await FlowLibrary.fromDir(out, registry);
  for (const f of result.flows) {
    const file = `${f.name}.flow.yaml`;
    const loaded = await loadFlowFile(path.join(out, file));
    for (const p of lib.validate(loaded).problems.filter((x) => x.severity !== 'warning')) {
      result.report.items.push({ status: 'attention', what: `validation: ${p.code}${p.node ? ` [node ${p.node}]` : ''}`, source: { file, ...(p.line ? { line: p.line } : {}) }, why: p.message, todo: 'fix the Weir flow (weir validate shows the same)' });
    }
  }
}

/** Connections into the workspace of --data-dir; an existing one is left as it is (its secrets are not replaced). */
async function createConnections(result: ImportResult, dataDir: string | undefined, registry: NodeRegistry): Promise<ConnectionOutcome[]> {
  const done: ConnectionOutcome[] = [];
  if (!result.connections.length) return done;
  if (dataDir === undefined) {
    for (const c of result.connections) {
      done.push({ name: c.name, type: c.type, created: false, missing: c.missing });
      result.report.items.push({ status: 'attention', what: `connection ${c.name} not created`, target: `connection ${c.name}`, why: 'no --data-dir was given, so no workspace to create it in', todo: `import again with --data-dir <the server's data folder>, or create ${c.name} (${c.type}) in the studio` });
    }
    return done;
  }
  const cli = await openCliWorkspace(registry, dataDir);
  try {
    for (const c of result.connections) {
      if (await cli.ws.connections.get(c.name)) {
        done.push({ name: c.name, type: c.type, created: false, missing: c.missing });
        result.report.items.push({ status: 'changed', what: `connection ${c.name} exists already: left as it is`, target: `connection ${c.name}`, why: 'an import never replaces the secrets of an existing connection', todo: 'edit it in the studio if it should change' });
        continue;
      }
      await cli.ws.connections.put({ name: c.name, type: c.type, settings: c.settings, secrets: c.secrets });
      done.push({ name: c.name, type: c.type, created: true, missing: c.missing });
      result.report.items.push({ status: 'converted', what: `connection ${c.name} created (${c.type})`, target: `connection ${c.name}` });
    }
  } finally {
    await cli.close();
  }
  return done;
}

interface ImportArgs {
  out?: string;
  deploymentMap: Record<string, string>;
  name?: string;
  dataDir?: string;
  connections: string[];
  force: boolean;
  inline: boolean;
  json: boolean;
}

const FLOW_FILES = ['flow.dag.yaml', 'flow.dag.yml', 'flow.flex.yaml', 'flow.flex.yml'];
const SKIP_DIRS = new Set(['node_modules', '__pycache__', '.git', '.venv', 'venv', '.promptflow', '.runs']);

/** Flow folders under `dir` (a team's repository of flows), up to 4 levels down, in path order. */
export function findFlowFolders(dir: string, depth = 0): string[] {
  if (FLOW_FILES.some((f) => existsSync(path.join(dir, f)))) return [dir];
  if (depth >= 4) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory() && !entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name)) found.push(...findFlowFolders(path.join(dir, entry.name), depth + 1));
  }
  return found;
}

export async function importCommand(args: string[], registry: NodeRegistry, io: Io, env: Record<string, string | undefined> = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      'deployment-map': { type: 'string', multiple: true, default: [] },
      name: { type: 'string' },
      'data-dir': { type: 'string' },
      connection: { type: 'string', multiple: true, default: [] },
      force: { type: 'boolean', default: false },
      inline: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals[0] !== 'promptflow' || positionals.length !== 2) fail('usage: weir import promptflow <flow folder | zip | folder of flows> [--out dir] [--deployment-map gpt-4=chat …] [--name n] [--data-dir d] [--connection c.yaml …]');
  let src = positionals[1];
  // `weir import promptflow my-flow/flow.dag.yaml` means its folder.
  if (existsSync(src) && statSync(src).isFile() && FLOW_FILES.includes(path.basename(src))) src = path.dirname(src);
  const opts: ImportArgs = {
    out: values.out, deploymentMap: parseDeploymentMap(values['deployment-map']), name: values.name, dataDir: values['data-dir'],
    connections: values.connection, force: values.force, inline: values.inline, json: values.json,
  };
  if (opts.name !== undefined && flowNameFrom(opts.name) !== opts.name) fail(`--name ${opts.name}: a flow name is letters, digits, _ and -, not starting with a digit`);
  if (!existsSync(src)) fail(`${src}: no such folder or zip file`);
  const folders = statSync(src).isDirectory() ? findFlowFolders(src) : [];
  if (folders.length <= 1 || folders[0] === src) return importOne(folders[0] ?? src, opts, registry, io, env);
  return importMany(src, folders, opts, registry, io, env);
}

/**
 * A folder holding many flows (a team's twenty): each goes to `<out>/<its path under src>`, with its
 * own report; the exit code is the worst of theirs. Names come from the folders, so --name is refused.
 */
async function importMany(src: string, folders: string[], opts: ImportArgs, registry: NodeRegistry, io: Io, env: Record<string, string | undefined>): Promise<number> {
  if (opts.name !== undefined) fail(`--name: ${src} holds ${folders.length} flows; each is named after its folder`);
  const out = path.resolve(opts.out ?? `${path.basename(path.resolve(src))}-weir`);
  const rows: { folder: string; code: number }[] = [];
  for (const folder of folders) {
    const rel = path.relative(src, folder);
    let code: number;
    try {
      code = await importOne(folder, { ...opts, out: path.join(out, rel) }, registry, io, env);
    } catch (err) {
      // One flow that cannot be read is that flow's failure, not the end of the other nineteen.
      if (!(err instanceof WeirError)) throw err;
      io.err(`could not import ${relative(folder)}: ${err.message}\n`);
      code = 2;
    }
    rows.push({ folder: rel, code });
  }
  const word = ['converted', 'needs attention', 'could not import'];
  const lines = ['', `${folders.length} flows from ${relative(src)} → ${relative(out)}:`, ...rows.map((r) => `  ${word[r.code] ?? 'failed'}  ${r.folder}`)];
  lines.push(`  ${rows.filter((r) => r.code === 0).length} converted, ${rows.filter((r) => r.code === 1).length} need attention, ${rows.filter((r) => r.code === 2).length} could not be imported`);
  if (opts.json) io.err(lines.join('\n') + '\n');
  else io.out(lines.join('\n') + '\n');
  return Math.max(...rows.map((r) => r.code));
}

async function importOne(src: string, values: ImportArgs, registry: NodeRegistry, io: Io, env: Record<string, string | undefined>): Promise<number> {
  const deploymentMap = values.deploymentMap;
  let read: ReadSource;
  try {
    read = await readSource(src);
  } catch (err) {
    if (err instanceof SourceUnreadable) fail(`${src}: ${err.message}`);
    throw err;
  }
  for (const [i, file] of values.connections.entries()) {
    if (!existsSync(file) || !statSync(file).isFile()) fail(`--connection ${file}: no such file`);
    if (statSync(file).size > MAX_CONNECTION_FILE_BYTES) fail(`--connection ${file}: larger than ${MAX_CONNECTION_FILE_BYTES / 1024} KiB; not a connection file`);
    read.files.set(`.weir-connections/${i}-${path.basename(file)}`, readFileSync(file));
  }
  const folderName = statSync(src).isDirectory() ? path.basename(path.resolve(src)) : path.basename(src).replace(/\.zip$/i, '');
  const name = values.name ?? flowNameFrom(folderName);
  // --inline: templates and code inside the flow file, as a stored flow needs them (weir publish).
  const result = await importPromptflow(read.files, { deploymentMap, name, env, inline: values.inline });
  for (const s of read.skipped) result.report.items.unshift({ status: 'attention', what: `file ${s.path} left out`, why: s.why, todo: 'import the flow folder without it, or copy it by hand' });

  if (result.outcome === 'failed') {
    // The same shape as a converted import's report, so a script reads one shape.
    if (values.json) io.out(JSON.stringify({ source: result.report.source, outcome: 'failed', flows: [], files: [], connections: [], items: result.report.items }, null, 2) + '\n');
    else io.err(summary(result, src, undefined));
    return 2;
  }
  const fromDir = statSync(src).isDirectory();
  // Run beside the prompt flow folder, the default ./<name> would be that folder itself.
  const out = path.resolve(values.out ?? (fromDir && path.resolve(name) === path.resolve(src) ? `${name}-weir` : name));
  if (fromDir && path.resolve(src) === out) fail(`--out ${relative(out)} is the prompt flow folder itself; write the Weir flow somewhere else`);
  const mainFile = path.join(out, `${result.flows[0].name}.flow.yaml`);
  if (existsSync(mainFile) && !values.force) fail(`${relative(mainFile)} exists already; give --force to overwrite what an earlier import wrote, or another --out`);
  if (existsSync(out) && !statSync(out).isDirectory()) fail(`--out ${relative(out)} is a file, not a folder`);
  if (existsSync(out) && !values.force && readdirSync(out).length) fail(`--out ${relative(out)} is not empty; give --force to write into it anyway`);
  writeOut(out, result);
  await validateWritten(out, result, registry);
  const connections = await createConnections(result, values.dataDir, registry);
  const needs = result.report.items.some((i) => i.status === 'attention' || i.status === 'not_converted');
  const outcome = needs ? 'attention' : 'converted';
  // Names, types and what is missing only: no secret and no setting read from the environment goes into a file.
  const report = { source: result.report.source, outcome, flows: result.flows.map((f) => `${f.name}.flow.yaml`), files: result.files.map((f) => f.path), connections, items: result.report.items };
  writeFileSync(path.join(out, 'import-report.json'), JSON.stringify(report, null, 2) + '\n');
  if (values.json) io.out(JSON.stringify(report, null, 2) + '\n');
  else io.out(summary(result, src, out, connections));
  return needs ? 1 : 0;
}
