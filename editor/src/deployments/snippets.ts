import type { FlowDoc, FlowInputDoc } from '../api/types.ts';

/** What a client calls: the route, an example body, and for models what the OpenAI SDK needs. */
export interface CallTarget {
  /** Path on this server, e.g. `/deployments/hello/score`. */
  path: string;
  body: Record<string, unknown>;
  openai?: { kind: 'chat' | 'embeddings' | 'completions'; model: string };
}

const SAMPLE: Record<string, unknown> = {
  string: 'text', number: 1.5, integer: 1, boolean: false, object: {}, array: [], list: [], chat_history: [], any: null,
};

/** A body a flow version accepts: each input's default, else a sample of its type. */
export function exampleInputs(def: FlowDoc | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, doc] of Object.entries(def?.inputs ?? {}) as [string, FlowInputDoc][]) {
    out[name] = doc.default !== undefined ? doc.default : SAMPLE[doc.type ?? 'string'] ?? null;
  }
  return out;
}

export function flowTarget(name: string, def: FlowDoc | undefined): CallTarget {
  return { path: `/deployments/${name}/score`, body: exampleInputs(def) };
}

/** The route and body for a model deployment, from its catalog task. */
export function modelTarget(name: string, task: string | undefined): CallTarget {
  if (task === 'embeddings') return { path: '/v1/embeddings', body: { model: name, input: 'The quick brown fox' }, openai: { kind: 'embeddings', model: name } };
  if (task === 'text-completion' || task === 'completion') {
    return { path: '/v1/completions', body: { model: name, prompt: 'Once upon a time', max_tokens: 32 }, openai: { kind: 'completions', model: name } };
  }
  return {
    path: '/v1/chat/completions',
    body: { model: name, messages: [{ role: 'user', content: 'Hello! What can you do?' }] },
    openai: { kind: 'chat', model: name },
  };
}

export type SnippetLang = 'curl' | 'js' | 'python' | 'openai-js' | 'openai-python';

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const indent = (s: string, pad: string) => s.split('\n').join(`\n${pad}`);

/** JSON as a Python literal (true/false/null differ). */
function py(value: unknown, pad = ''): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  const inner = pad + '    ';
  if (Array.isArray(value)) return value.length ? `[\n${value.map((v) => inner + py(v, inner)).join(',\n')},\n${pad}]` : '[]';
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.length ? `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${py(v, inner)}`).join(',\n')},\n${pad}}` : '{}';
}

/**
 * Copy-ready code calling `target` on `origin`. `key` is the key just created, if any; otherwise the
 * snippet reads WEIR_KEY from the environment so no secret sits in shared code by accident.
 */
export function snippet(lang: SnippetLang, origin: string, target: CallTarget, key?: string): string {
  const url = origin + target.path;
  const json = JSON.stringify(target.body, null, 2);
  const o = target.openai;
  switch (lang) {
    case 'curl':
      return [
        key ? `export WEIR_KEY=${shellQuote(key)}` : '# export WEIR_KEY=<a key of this deployment>',
        `curl -si -X POST ${url} \\`,
        `  -H "Authorization: Bearer $WEIR_KEY" \\`,
        `  -H 'content-type: application/json' \\`,
        `  -d ${shellQuote(JSON.stringify(target.body))}`,
      ].join('\n');
    case 'js':
      return [
        `const key = ${key ? JSON.stringify(key) : 'process.env.WEIR_KEY'};`,
        `const res = await fetch(${JSON.stringify(url)}, {`,
        `  method: 'POST',`,
        `  headers: { authorization: \`Bearer \${key}\`, 'content-type': 'application/json' },`,
        `  body: JSON.stringify(${indent(json, '  ')}),`,
        `});`,
        `if (!res.ok) throw new Error((await res.json()).error.message);`,
        o ? `console.log(await res.json());` : `console.log(res.headers.get('weir-version'), res.headers.get('x-request-id'), await res.json());`,
      ].join('\n');
    case 'python':
      return [
        'import os',
        'import requests',
        '',
        `key = ${key ? JSON.stringify(key) : 'os.environ["WEIR_KEY"]'}`,
        'res = requests.post(',
        `    ${JSON.stringify(url)},`,
        '    headers={"Authorization": f"Bearer {key}"},',
        `    json=${py(target.body, '    ')},`,
        ')',
        'res.raise_for_status()',
        o ? 'print(res.json())' : 'print(res.headers["weir-version"], res.headers["x-request-id"], res.json())',
      ].join('\n');
    case 'openai-js':
      return [`import OpenAI from 'openai';`, '', `const openai = new OpenAI({ baseURL: ${JSON.stringify(`${origin}/v1`)}, apiKey: ${key ? JSON.stringify(key) : 'process.env.WEIR_KEY'} });`, openaiCall(target, 'js')].join('\n');
    case 'openai-python':
      return ['import os', 'from openai import OpenAI', '', `client = OpenAI(base_url=${JSON.stringify(`${origin}/v1`)}, api_key=${key ? JSON.stringify(key) : 'os.environ["WEIR_KEY"]'})`, openaiCall(target, 'python')].join('\n');
  }
}

function openaiCall(target: CallTarget, lang: 'js' | 'python'): string {
  const o = target.openai ?? { kind: 'chat', model: '' };
  const { model: _model, ...rest } = target.body;
  const args = { model: o.model, ...rest };
  if (lang === 'js') {
    const fn = o.kind === 'chat' ? 'chat.completions' : o.kind;
    const read = o.kind === 'chat' ? 'r.choices[0].message.content' : o.kind === 'embeddings' ? 'r.data[0].embedding.length' : 'r.choices[0].text';
    return `const r = await openai.${fn}.create(${JSON.stringify(args, null, 2)});\nconsole.log(${read});`;
  }
  const fn = o.kind === 'chat' ? 'chat.completions' : o.kind;
  const read = o.kind === 'chat' ? 'r.choices[0].message.content' : o.kind === 'embeddings' ? 'len(r.data[0].embedding)' : 'r.choices[0].text';
  const kw = Object.entries(args).map(([k, v]) => `    ${k}=${py(v, '    ')},`).join('\n');
  return `r = client.${fn}.create(\n${kw}\n)\nprint(${read})`;
}
