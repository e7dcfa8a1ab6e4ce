import { parseFlowText } from '../../engine/flow/yaml-source.ts';
import { isObj, str } from './context.ts';
import type { Report } from './report.ts';
import type { SourceFiles } from './source-files.ts';

export interface RunFileInfo {
  /** Data files the run files read, inside the flow folder (copied beside the flow for `weir run --data`). */
  data: string[];
}

/** A prompt flow run file (`run.yml`): `$schema` naming Run, or a `flow:` with data or column_mapping. */
function isRunDoc(doc: unknown): doc is Record<string, unknown> {
  if (!isObj(doc)) return false;
  const schema = str(doc.$schema);
  if (schema) return /Run\.schema/i.test(schema);
  return 'flow' in doc && ('column_mapping' in doc || 'data' in doc);
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Run files say how prompt flow ran the flow over data; Weir has no run files, so each becomes the
 * `weir run --data` command that does the same (variants as their flows, `${run.outputs.x}` through
 * `--run <earlier output>`), reported for the user to run.
 */
export function reportRunFiles(files: SourceFiles, dagFile: string, name: string, variantFlows: Map<string, string>, report: Report): RunFileInfo {
  const info: RunFileInfo = { data: [] };
  for (const p of files.files.keys()) {
    if (p.includes('/') || !/\.ya?ml$/i.test(p) || p === dagFile) continue;
    const read = files.text(p);
    if ('error' in read) continue;
    const parsed = parseFlowText(read.text, p);
    if (parsed.value === undefined || !isRunDoc(parsed.value)) continue;
    const doc = parsed.value;
    const line = (k: string) => parsed.locate([k])?.line;
    const flow = str(doc.flow) ?? '.';
    const own = flow === '.' || flow === './';
    let flowFile = own ? `${name}.flow.yaml` : `<${flow.split('/').filter(Boolean).pop()}>.flow.yaml`;
    const variant = str(doc.variant);
    const todo: string[] = [];
    if (variant) {
      const m = /^\$\{([^.}]+)\.([^}]+)\}$/.exec(variant);
      const flowName = m ? variantFlows.get(`${m[1]}.${m[2]}`) : undefined;
      if (flowName) flowFile = `${flowName}.flow.yaml`;
      else todo.push(`variant ${variant} is not a variant of this flow`);
    }
    const args = ['weir', 'run', flowFile];
    const data = str(doc.data);
    if (data) {
      args.push('--data', data);
      if (own && files.has(data)) info.data.push(data);
    }
    if (str(doc.run)) args.push('--run', '<output.jsonl of the earlier batch run>');
    const mapping = isObj(doc.column_mapping) ? doc.column_mapping : {};
    for (const [k, v] of Object.entries(mapping)) args.push('--column-mapping', shellQuote(`${k}=${String(v)}`));
    args.push('--output', `${p.replace(/\.ya?ml$/i, '')}.output.jsonl`);
    if (!own) todo.push(`import ${flow} too (weir import promptflow ${flow})`);
    report.add('changed', `run file ${p} → weir run --data`, {
      file: p, line: 1, why: "Weir has no run files: a batch run is one command (an evaluation reads the earlier run's output with --run, its ${run.outputs.x} columns as prompt flow's)",
      todo: [...todo, args.join(' ')].join('; then '),
    });
    if (isObj(doc.environment_variables) && Object.keys(doc.environment_variables).length) {
      report.add('attention', `run file ${p}: environment_variables`, {
        file: p, line: line('environment_variables'),
        why: "Weir's Python workers get no environment variables (and no connection values through them)",
        todo: 'take a connection parameter in the tool instead, and create the connection in Weir',
      });
    }
  }
  return info;
}
