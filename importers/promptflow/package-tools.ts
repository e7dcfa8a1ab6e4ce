import type { ConvertContext, PfNode, WeirNode } from './context.ts';
import { isObj, str } from './context.ts';
import { convertLlm, modelConfig } from './llm-node.ts';
import { placeholderNode } from './python-node.ts';
import { isReference, rewriteReference } from './references.ts';

/** promptflow-tools' LLM tools; the vision ones send images Weir's llm node does not. */
export const LLM_TOOLS = new Set([
  'promptflow.tools.llm.llm',
  'promptflow.tools.aoai.chat',
  'promptflow.tools.aoai.completion',
  'promptflow.tools.openai.chat',
  'promptflow.tools.openai.completion',
  'promptflow.tools.aoai.AzureOpenAI.chat',
  'promptflow.tools.aoai.AzureOpenAI.completion',
  'promptflow.tools.openai.OpenAI.chat',
  'promptflow.tools.openai.OpenAI.completion',
]);
export const VISION_TOOLS = new Set([
  'promptflow.tools.aoai_gpt4v.AzureOpenAI.chat',
  'promptflow.tools.openai_gpt4v.OpenAI.chat',
  'promptflow.tools.llm_vision.llm_vision',
]);
const EMBEDDING_TOOLS = new Set(['promptflow.tools.embedding.embedding']);
const VECTOR_TOOLS = new Set([
  'promptflow_vectordb.tool.vector_index_lookup.VectorIndexLookup.search',
  'promptflow_vectordb.tool.vector_db_lookup.VectorDBLookup.search',
  'promptflow_vectordb.tool.faiss_index_lookup.FaissIndexLookup.search',
  'promptflow_vectordb.tool.common_index_lookup.search',
  'promptflow.tools.vector_index_lookup.VectorIndexLookup.search',
]);

/** A data index name Weir takes (lower-case letters, digits, - and _), from a prompt flow index path or name. */
function indexName(...candidates: unknown[]): string {
  for (const c of candidates) {
    const s = str(c);
    if (!s || isReference(s)) continue;
    const last = s.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? s;
    const name = last.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+/, '').slice(0, 63);
    if (name) return name;
  }
  return 'index';
}

/** `source.type: package` tools: embedding → embed, vector lookups → vector_lookup, LLMs → llm; others kept as a failing placeholder. */
export function convertPackage(n: PfNode, ctx: ConvertContext): WeirNode {
  const raw = n.raw;
  const source = isObj(raw.source) ? raw.source : {};
  const tool = str(source.tool) ?? str(raw.tool) ?? '(no tool named)';
  const inputs0 = isObj(raw.inputs) ? raw.inputs : {};
  const at = (...p: (string | number)[]) => n.at([...n.path, ...p]);
  const target = `nodes.${n.name}`;
  if (LLM_TOOLS.has(tool) || VISION_TOOLS.has(tool)) return convertLlm(n, ctx, { vision: VISION_TOOLS.has(tool) });
  if (EMBEDDING_TOOLS.has(tool)) {
    const config = modelConfig(n, ctx);
    ctx.report.add('converted', `node ${n.name}: embedding tool → embed`, { ...at('source'), target });
    return { name: n.name, type: 'embed', inputs: { text: rewriteReference(inputs0.input).value }, config };
  }
  if (VECTOR_TOOLS.has(tool)) {
    const index = indexName(inputs0.index_name, inputs0.collection_name, inputs0.class_name, inputs0.path, inputs0.mlindex_content === undefined ? undefined : n.name, n.name);
    const query = inputs0.query ?? inputs0.queries ?? inputs0.vector;
    const topK = Number(inputs0.top_k);
    const config: Record<string, unknown> = { index };
    if (Number.isInteger(topK) && topK >= 1 && topK <= 100) config.top_k = topK;
    ctx.report.add('attention', `node ${n.name}: ${tool.split('.').slice(-2).join('.')} → vector_lookup (index ${index})`, {
      ...at('source'), target: `${target}.config.index`,
      why: 'the index lives in prompt flow\'s store (a vector DB, a FAISS folder, an MLIndex); Weir searches its own data indexes, and its output is { chunks, context, found } rather than a list of { text, metadata, score }',
      todo: `create the index in Weir from the same documents (weir data add <files> --index ${index}), and check the readers of ${n.name}.output (a reader of the whole output now reads .chunks; .context is a numbered text for prompts)`,
    });
    return { name: n.name, type: 'vector_lookup', inputs: { query: rewriteReference(query).value }, config };
  }
  ctx.report.add('not_converted', `node ${n.name}: package tool ${tool}`, {
    ...at('source', 'tool'), target,
    why: 'Weir has no equivalent of this tool; the node is kept as a python node that fails with this message, so the rest of the flow still validates and runs',
    todo: 'replace the node: an http node for a web API, a python node with your own code, or another Weir node',
  });
  return placeholderNode(n.name, inputs0, `node ${n.name} was not converted from prompt flow: package tool ${tool} has no Weir equivalent; replace this node`);
}
