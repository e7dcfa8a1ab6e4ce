/**
 * New flows from templates (GET /api/templates, POST /api/flows {template, name, params}): flow
 * files under flows/templates/ whose `__NAME__` markers are filled with the flow's name and the
 * names the user picked (a deployment, a data index). Filled in the parsed YAML, never in its text,
 * so a picked name can only ever become a string value.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isScalar, parseDocument, visit } from 'yaml';
import { WeirError } from '../errors.ts';
import { quoteFlowReferences } from '../flow/yaml-source.ts';
import type { ResourceKind } from '../flow/resource-fields.ts';
import { readFlowSource, type FlowSource } from './flow-source.ts';

export interface TemplateParam {
  /** The marker `__NAME__` (upper case) in the template, and the key in `params`. */
  name: string;
  /** What the value names: the studio offers a picker of them. */
  kind: ResourceKind;
  label: string;
}

export interface FlowTemplate {
  id: string;
  title: string;
  description: string;
  file: string;
  params: TemplateParam[];
}

const DEPLOYMENT: TemplateParam = { name: 'deployment', kind: 'deployment', label: 'Chat model deployment' };
const INDEX: TemplateParam = { name: 'index', kind: 'index', label: 'Data index' };

export const FLOW_TEMPLATES: readonly FlowTemplate[] = [
  { id: 'blank', title: 'Blank', description: 'An empty flow with one text input: build it on the canvas.', file: 'blank.flow.yaml', params: [] },
  {
    id: 'chat-with-your-data', title: 'Chat with your data', file: 'chat-with-your-data.flow.yaml', params: [INDEX, DEPLOYMENT],
    description: 'Answers questions from the documents of a data index, citing its sources; keeps the chat history.',
  },
  {
    id: 'rag-with-http-tool', title: 'RAG with an HTTP tool', file: 'rag-with-http-tool.flow.yaml', params: [INDEX, DEPLOYMENT],
    description: 'Retrieves from a data index and calls a web API (Wikipedia search) as a tool, then answers from both.',
  },
  {
    id: 'classification', title: 'Classification', file: 'classification.flow.yaml', params: [DEPLOYMENT],
    description: 'Sorts a text into one of the labels you list, with the model’s reasoning kept beside the label.',
  },
];

/** Deployment, index and connection names all fit this (each kind's own rule is stricter). */
const PARAM_VALUE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function templatesDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // From engine/app (sources) or dist/engine/app (built).
  for (const dir of [path.join(here, '../../flows/templates'), path.join(here, '../../../flows/templates')]) if (existsSync(dir)) return dir;
  throw new WeirError('template_missing', 'the flow templates folder (flows/templates) is missing from this installation', { status: 500 });
}

export function findTemplate(id: string): FlowTemplate {
  const t = FLOW_TEMPLATES.find((x) => x.id === id);
  if (!t) {
    throw new WeirError('flow_template_not_found', `flow template "${id}" not found; the templates are ${FLOW_TEMPLATES.map((x) => x.id).join(', ')}`, { status: 404, path: ['template'] });
  }
  return t;
}

/** The template's text without its opening comment (which documents the template, not the flow). */
export function templateText(t: FlowTemplate, dir = templatesDir()): string {
  const text = readFileSync(path.join(dir, t.file), 'utf8');
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && (lines[i].startsWith('#') || !lines[i].trim())) i++;
  return lines.slice(i).join('\n');
}

/** Every param given, each a plain name; nothing else in `params`. */
function checkParams(t: FlowTemplate, params: Record<string, string>): void {
  for (const key of Object.keys(params)) {
    if (!t.params.some((p) => p.name === key)) {
      const known = t.params.length ? `it takes ${t.params.map((p) => p.name).join(', ')}` : 'it takes none';
      throw new WeirError('invalid_request', `template "${t.id}" has no param "${key}": ${known}`, { status: 400, path: ['params', key] });
    }
  }
  for (const p of t.params) {
    const v = params[p.name];
    if (v === undefined || v === '') throw new WeirError('invalid_request', `template "${t.id}" needs params.${p.name}: the ${p.label.toLowerCase()} to use`, { status: 400, path: ['params', p.name] });
    if (!PARAM_VALUE.test(v)) throw new WeirError('invalid_request', `params.${p.name} "${v.slice(0, 60)}" is not a ${p.kind} name (letters, digits, _ . -)`, { status: 400, path: ['params', p.name] });
  }
}

/** The new flow's YAML, markers filled, read as a flow source (its problems are the caller's to check). */
export function flowFromTemplate(id: string, name: string, params: Record<string, string>, dir?: string): FlowSource {
  const t = findTemplate(id);
  checkParams(t, params);
  const values: Record<string, string> = { FLOW: name, ...Object.fromEntries(t.params.map((p) => [p.name.toUpperCase(), params[p.name]])) };
  // Flow files write `${…}` bare inside `{ }`, which plain YAML reads as the mapping's end.
  const doc = parseDocument(quoteFlowReferences(templateText(t, dir)));
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && node.value.includes('__')) {
        node.value = node.value.replace(/__([A-Z]+)__/g, (m, k: string) => values[k] ?? m);
      }
    },
  });
  return readFlowSource(doc.toString({ lineWidth: 0 }), 'application/yaml');
}
