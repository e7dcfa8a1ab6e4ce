/**
 * "Add your data" in one call: a chat flow over a data index, made from the template in
 * flows/templates/ and saved as a draft that runs at once. Without a chat deployment named, it
 * reuses a working deployment of the default chat model (which works offline), and deploys one
 * only when there is none. A deployment whose model failed to load is never used.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeirError } from '../errors.ts';
import type { FlowRow } from '../store/types.ts';
import { readFlowSource } from './flow-source.ts';
import type { Workspace } from './workspace.ts';

export const DEFAULT_CHAT_DEPLOYMENT = 'default-chat';
export const DEFAULT_CHAT_MODEL = 'weir-extractive';
const TEMPLATE = 'templates/chat-with-your-data.flow.yaml';
const FLOW_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const DEPLOYMENT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

function templateText(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // From engine/service (sources) or dist/engine/service (built).
  for (const dir of [path.join(here, '../../flows'), path.join(here, '../../../flows')]) {
    const file = path.join(dir, TEMPLATE);
    if (existsSync(file)) return readFileSync(file, 'utf8');
  }
  throw new WeirError('template_missing', `the chat flow template ${TEMPLATE} is missing from this installation`, { status: 500 });
}

/** The template with its `__NAME__` markers filled; generateChatFlow checks each value against a name pattern first. */
export function chatFlowSource(o: { flow: string; index: string; deployment: string }, template = templateText()): string {
  return template.replaceAll('__FLOW__', o.flow).replaceAll('__INDEX__', o.index).replaceAll('__DEPLOYMENT__', o.deployment);
}

export interface ChatFlowResult {
  flow: FlowRow;
  deployment: string;
  /** The default chat deployment was created for this flow. */
  createdDeployment: boolean;
}

export async function generateChatFlow(ws: Workspace, index: string, o: { flow?: string; deployment?: string; replace?: boolean } = {}): Promise<ChatFlowResult> {
  await ws.data.get(index);
  const flow = o.flow ?? `chat-${index}`.slice(0, 128);
  if (!FLOW_NAME.test(flow)) throw new WeirError('invalid_name', `flow name "${flow}" must be letters, digits, _ and -`, { status: 400, path: ['flow'] });
  if (!o.replace && (await ws.store.flows.get(flow))) {
    throw new WeirError('flow_exists', `flow "${flow}" already exists; give another "flow" name or "replace": true`, { status: 409, path: ['flow'] });
  }
  let deployment = o.deployment;
  let createdDeployment = false;
  if (deployment !== undefined) {
    if (!DEPLOYMENT_NAME.test(deployment)) throw new WeirError('invalid_name', `"${deployment}" is not a deployment name`, { status: 400, path: ['deployment'] });
    const d = await ws.store.deployments.get(deployment);
    if (!d) throw new WeirError('deployment_not_found', `deployment "${deployment}" not found; deploy a chat model first (POST /api/deployments {name, model})`, { status: 404, path: ['deployment'] });
    if (d.kind !== 'model') throw new WeirError('not_a_model_deployment', `deployment "${deployment}" serves a flow; the chat flow needs a model deployment`, { status: 422, path: ['deployment'] });
    const task = (await ws.catalog.get(d.model ?? ''))?.task;
    if (task && task !== 'chat-completion' && task !== 'text-generation') {
      throw new WeirError('not_a_chat_model', `deployment "${deployment}" serves "${d.model}", a ${task} model; the chat flow needs a chat model`, { status: 422, path: ['deployment'] });
    }
    const state = await knownState(ws, deployment);
    if (state?.state === 'failed') {
      throw new WeirError('deployment_failed', `deployment "${deployment}" failed to load (${state.reason ?? 'no reason given'}); choose another deployment, or delete it and deploy the model again`, { status: 409, path: ['deployment'] });
    }
  } else {
    const reused = await workingDefault(ws);
    if (reused) deployment = reused;
    else {
      deployment = DEFAULT_CHAT_DEPLOYMENT;
      const d = await ws.store.deployments.get(deployment);
      if (!d) {
        await ws.deployments.createModel({ name: deployment, model: DEFAULT_CHAT_MODEL, options: {}, traceSampleRate: 1 });
        createdDeployment = true;
      } else if (d.kind !== 'model') {
        throw new WeirError('deployment_exists', `deployment "${deployment}" exists and serves a flow; name a chat model deployment with "deployment"`, { status: 409, path: ['deployment'] });
      } else {
        // "default-chat" serving another chat model is used as before; a failed one is not.
        const state = await knownState(ws, deployment);
        if (state?.state === 'failed') throw new WeirError('deployment_failed', `deployment "${deployment}" failed to load (${state?.reason ?? 'no reason given'}); delete it (DELETE /api/deployments/${deployment}) and generate again, or name another deployment`, { status: 409, path: ['deployment'] });
      }
    }
  }
  const src = readFlowSource(chatFlowSource({ flow, index, deployment }), 'application/yaml');
  const v = await ws.validate(src.definition, src.locate);
  if (src.problems.length || !v.ok) {
    const p = [...src.problems, ...v.problems.filter((q) => q.severity !== 'warning')][0];
    throw new WeirError('template_invalid', `the generated chat flow is invalid: ${p?.message}`, { status: 500 });
  }
  const row = await ws.store.flows.put({ name: flow, source: src.source, format: src.format, definition: src.definition });
  return { flow: row, deployment, createdDeployment };
}

/**
 * A deployment of the default chat model that is ready (or still loading), so generating a second
 * chat flow does not deploy the same model twice: "default-chat" first, then any other by name.
 */
async function workingDefault(ws: Workspace): Promise<string | undefined> {
  const candidates = (await ws.store.deployments.list())
    .filter((d) => d.kind === 'model' && d.model === DEFAULT_CHAT_MODEL)
    .sort((a, b) => (a.name === DEFAULT_CHAT_DEPLOYMENT ? -1 : b.name === DEFAULT_CHAT_DEPLOYMENT ? 1 : a.name.localeCompare(b.name)));
  for (const d of candidates) {
    const state = await knownState(ws, d.name);
    if (state?.state !== 'failed') return d.name;
  }
  return undefined;
}

/**
 * The state of a deployment this process tracks; undefined for one it does not (the CLI, which
 * must not load a model only to ask): such a deployment is taken as working.
 */
async function knownState(ws: Workspace, name: string) {
  return ws.models.names().includes(name) ? ws.models.state(name) : undefined;
}
