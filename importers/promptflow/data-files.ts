/**
 * Files a flow names by value, not by `source.path`: a node input `assistant_definition.yaml`
 * (chat-with-calorie-assistant), a flow input default `./few_shot_examples.txt` (llmlingua) or
 * `./document1.txt` (analyze_documents). The tools open them from the flow folder, so they are
 * copied beside the Weir flow like templates and code.
 */
import { isObj, nodePath, type WeirNode } from './context.ts';
import type { Report } from './report.ts';
import type { SourceFiles } from './source-files.ts';
import { isReference } from './references.ts';

function literals(v: unknown, out: string[]): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) literals(x, out);
  else if (isObj(v)) for (const x of Object.values(v)) literals(x, out);
  return out;
}

export function copyNamedFiles(
  nodes: WeirNode[], inputs: Record<string, Record<string, unknown>>, files: SourceFiles, needed: Set<string>, skip: (p: string) => boolean, report: Report, inline: boolean,
): void {
  const named = new Map<string, string>();
  const look = (v: unknown, where: string) => {
    for (const s of literals(v, [])) {
      if (isReference(s) || s.length > 1024 || /[\n{}]|^[a-z][a-z0-9+.-]*:/i.test(s)) continue;
      const p = nodePath(s);
      if (p && !p.endsWith('/') && files.has(p) && !needed.has(p) && !skip(p) && !named.has(p)) named.set(p, where);
    }
  };
  for (const [name, spec] of Object.entries(inputs)) look(spec.default, `the default of input ${name}`);
  for (const n of nodes) if (isObj(n.inputs)) for (const [k, v] of Object.entries(n.inputs)) look(v, `input ${k} of node ${n.name}`);
  for (const [p, where] of named) {
    if (inline) {
      report.add('attention', `${p} not stored with the flow`, { file: p, why: `${where} names it, and a flow stored in the workspace holds templates and Python code only`, todo: `give the tool the content instead of the file name, or run the flow from its folder (weir run)` });
      continue;
    }
    needed.add(p);
    report.add('converted', `${p} copied`, { file: p, target: p, why: `${where} names it; the tool reads it from the flow folder` });
  }
}
