/**
 * A prompt flow vector lookup outputs a list of `{ text, metadata, score }`; Weir's vector_lookup
 * outputs `{ chunks, context, found }`, whose `chunks` is a list of `{ text, score, source, … }`.
 * A node or flow output reading the whole lookup output (promptflow-copilot's
 * generate_prompt_context(search_result: List[dict])) is pointed at `.chunks`, the list it expects.
 */
import { isObj, type WeirNode } from './context.ts';
import type { Report } from './report.ts';

const WHOLE = /^\$\{\s*([A-Za-z_][\w-]*)\.output\s*\}$/;

function rewrite(v: unknown, lookups: Set<string>): { value: unknown; node?: string } {
  if (typeof v !== 'string') return { value: v };
  const m = WHOLE.exec(v.trim());
  return m && lookups.has(m[1]) ? { value: `\${${m[1]}.output.chunks}`, node: m[1] } : { value: v };
}

export function pointReadersAtChunks(nodes: WeirNode[], outputs: Record<string, unknown>, report: Report, reported: Set<string>): void {
  const lookups = new Set(nodes.filter((n) => n.type === 'vector_lookup').map((n) => n.name));
  if (!lookups.size) return;
  const note = (reader: string, node: string, target: string) => {
    if (reported.has(`${reader}<${node}`)) return;
    reported.add(`${reader}<${node}`);
    report.add('changed', `${reader}: \${${node}.output} → \${${node}.output.chunks}`, {
      target,
      why: `prompt flow's lookup returns a list of { text, metadata, score }; Weir's vector_lookup returns { chunks, context, found }, and chunks is that list (each { text, score, source, title, … }, no metadata)`,
      todo: `check what ${reader} reads of each item: metadata is not there (source, title and page are)`,
    });
  };
  for (const n of nodes) {
    if (!isObj(n.inputs)) continue;
    for (const [k, v] of Object.entries(n.inputs)) {
      const r = rewrite(v, lookups);
      if (!r.node) continue;
      n.inputs[k] = r.value;
      note(`node ${n.name}`, r.node, `nodes.${n.name}.inputs.${k}`);
    }
  }
  for (const [name, out] of Object.entries(outputs)) {
    if (!isObj(out)) continue;
    const r = rewrite(out.reference, lookups);
    if (!r.node) continue;
    out.reference = r.value;
    note(`output ${name}`, r.node, `outputs.${name}`);
  }
}
