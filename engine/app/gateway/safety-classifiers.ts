/**
 * Which classifier a safety policy judges with (issue #15): the offline lexicon (the default), an
 * LLM judge on a chat model deployment, or Azure AI Content Safety through a connection. Remote
 * classifiers fail closed: one that errors, answers what cannot be read or takes longer than its
 * timeout refuses the call with 503 `content_filter_unavailable` naming the policy and the
 * classifier, never the text — unjudged text is never let through. Custom blocklists (and, with
 * the judge, prompt attacks) are matched locally by the lexicon classifier whatever the policy uses.
 */
import { z } from 'zod';
import { WeirError } from '../../errors.ts';
import type { ModelCatalog } from '../../models/catalog.ts';
import { randomUUID } from 'node:crypto';
import { collect, type TokenUsage } from '../../models/types.ts';
import { AzureContentSafetyClassifier, LlmJudgeClassifier, type Classification, type ClassifyOptions, type JudgeMessage, type SafetyClassifier } from '../../safety/index.ts';
import type { Store } from '../../store/types.ts';
import type { ModelDeployments } from '../model-deployments.ts';
import { callEstimate } from './estimate.ts';
import { ADMIN, type Gateway } from './gateway.ts';
import { statusOf, type CallOutcome } from './meter.ts';

export const DEFAULT_CLASSIFIER_TIMEOUT_MS = 10_000;
/** The connection type Azure AI Content Safety's connections have (settings.endpoint, secrets.api_key). */
export const AZURE_CONTENT_SAFETY = 'azure_content_safety';
/** A judge answers `safe` or `unsafe` and a line of codes: a few tokens. */
const JUDGE_MAX_TOKENS = 32;

const Name = z.string().min(1).max(64);
const TimeoutMs = z.number().int().min(100).max(60_000);
export const ClassifierSpec = z.discriminatedUnion('type', [
  z.object({ type: z.literal('lexicon') }).strict(),
  z.object({ type: z.literal('llm_judge'), deployment: Name, timeout_ms: TimeoutMs.optional() }).strict(),
  z.object({ type: z.literal(AZURE_CONTENT_SAFETY), connection: Name, timeout_ms: TimeoutMs.optional() }).strict(),
]);
export type ClassifierSpec = z.infer<typeof ClassifierSpec>;
export const LEXICON: ClassifierSpec = Object.freeze({ type: 'lexicon' });

/** What remote classifiers need of the rest of the workspace. */
export interface SafetyHost {
  /** Asks a chat model deployment; its calls draw on that deployment's allocation like a flow's. */
  chat(deployment: string, messages: JudgeMessage[], signal?: AbortSignal): Promise<string>;
  /** Why a deployment cannot judge (404 or 422, naming the field); undefined when it is a chat model deployment. */
  judgeProblem(deployment: string): Promise<WeirError | undefined>;
  /** A connection's settings and secrets. */
  connection(name: string): Promise<{ type: string; settings: Record<string, unknown>; secrets: Record<string, string> } | undefined>;
}

/** The host a workspace gives its safety step (the gateway is read when a judge is first called: it is built after). */
export function safetyHost(w: { store: Store; catalog: ModelCatalog; models: ModelDeployments; gateway: () => Gateway }): SafetyHost {
  return {
    async chat(deployment, messages, signal) {
      // A call of the deployment like any other, through the gateway: admitted against its
      // allocation, metered and priced under it, and recorded (with no key) in its usage records.
      const gateway = w.gateway();
      const d = await gateway.model(ADMIN, deployment, 'model');
      const model = await w.models.get(deployment);
      if (!model.chat) throw new WeirError('model_not_supported', `deployment "${deployment}" does not serve chat`, { status: 422 });
      const call = await gateway.admit(ADMIN, d, callEstimate(messages.map((m) => m.content), JUDGE_MAX_TOKENS, model.contextLength), `judge-${randomUUID()}`);
      let usage: TokenUsage | undefined;
      let outcome: CallOutcome = { status: 200 };
      try {
        const g = await collect(model.chat(messages, { maxTokens: JUDGE_MAX_TOKENS, temperature: 0, signal }));
        usage = g.usage;
        return g.text;
      } catch (err) {
        outcome = { status: statusOf(err) };
        throw err;
      } finally {
        gateway.finishModelCall(call, model.entry, usage, outcome).catch((err: unknown) => console.error(`judge deployment "${deployment}": a call could not be metered:`, (err as Error).message));
      }
    },
    async judgeProblem(deployment) {
      const path = ['classifier', 'deployment'];
      const row = await w.store.deployments.get(deployment);
      if (!row) return new WeirError('deployment_not_found', `deployment "${deployment}" not found (the LLM judge is a chat model deployment)`, { status: 404, path });
      const task = row.kind === 'model' && row.model ? (await w.catalog.get(row.model))?.task : undefined;
      if (task !== 'chat-completion') return new WeirError('model_not_supported', `deployment "${deployment}" is not a chat model deployment; the LLM judge needs one (a chat-completion model)`, { status: 422, path });
      return undefined;
    },
    connection: (name) => w.store.connections.resolve(name),
  };
}

/** Azure's endpoint and key from a connection, or the 404/422 saying what is missing. */
async function azureSettings(host: SafetyHost, name: string): Promise<{ endpoint: string; apiKey: string }> {
  const path = ['classifier', 'connection'];
  const c = await host.connection(name);
  if (!c) throw new WeirError('connection_not_found', `connection "${name}" not found (PUT /api/connections/${name} with type "${AZURE_CONTENT_SAFETY}" first)`, { status: 404, path });
  const endpoint = c.settings.endpoint;
  const bad = (what: string) => new WeirError('connection_invalid', `connection "${name}" ${what}`, { status: 422, path });
  if (c.type !== AZURE_CONTENT_SAFETY) throw bad(`is of type "${c.type}", not "${AZURE_CONTENT_SAFETY}"`);
  if (typeof endpoint !== 'string' || !/^https?:\/\/[^\s]+$/.test(endpoint)) throw bad('has no settings.endpoint (the resource\'s https://… URL)');
  if (!c.secrets.api_key) throw bad('has no secrets.api_key');
  return { endpoint, apiKey: c.secrets.api_key };
}

/** Checks what a policy's classifier names, before the policy is stored. */
export async function checkClassifier(spec: ClassifierSpec, host: SafetyHost): Promise<void> {
  if (spec.type === 'llm_judge') {
    const problem = await host.judgeProblem(spec.deployment);
    if (problem) throw problem;
  } else if (spec.type === AZURE_CONTENT_SAFETY) await azureSettings(host, spec.connection);
}

/** The classifier a policy judges with; `lexicon` matches blocklists (and prompt attacks for the judge) for the remote ones. */
export function classifierFor(policy: string, spec: ClassifierSpec, opts: { lexicon: SafetyClassifier; host: SafetyHost; jailbreak: boolean }): SafetyClassifier {
  const { lexicon, host } = opts;
  if (spec.type === 'lexicon') return lexicon;
  if (spec.type === 'llm_judge') {
    const judge = new LlmJudgeClassifier({ chat: (messages, signal) => host.chat(spec.deployment, messages, signal), local: lexicon });
    return new FailClosed(judge, policy, `llm_judge on deployment "${spec.deployment}"`, spec.timeout_ms);
  }
  // The connection is read on every call, so an edited key or endpoint applies at once.
  const azure: SafetyClassifier = {
    name: AZURE_CONTENT_SAFETY,
    classify: async (text, o) => new AzureContentSafetyClassifier({ ...(await azureSettings(host, spec.connection)), shieldPrompts: opts.jailbreak, local: lexicon, timeoutMs: spec.timeout_ms }).classify(text, o),
  };
  return new FailClosed(azure, policy, `${AZURE_CONTENT_SAFETY} through connection "${spec.connection}"`, spec.timeout_ms);
}

/** A remote classifier with a deadline, whose every failure refuses the call (503) rather than let unjudged text through. */
export class FailClosed implements SafetyClassifier {
  readonly name: string;
  constructor(
    readonly inner: SafetyClassifier,
    private readonly policy: string,
    private readonly what: string,
    private readonly timeoutMs = DEFAULT_CLASSIFIER_TIMEOUT_MS,
  ) {
    this.name = inner.name;
  }

  async classify(text: string, opts: ClassifyOptions): Promise<Classification> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new WeirError('content_filter_unavailable', 'deadline', { status: 503 })), this.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
    let onAbort: (() => void) | undefined;
    // The race ends the wait even should the classifier not heed its signal.
    const stopped = new Promise<never>((_, reject) => signal.addEventListener('abort', (onAbort = () => reject(signal.reason)), { once: true }));
    const work = this.inner.classify(text, { ...opts, signal });
    work.catch(() => {}); // a late failure, once the deadline has answered, is not unhandled
    try {
      return await Promise.race([work, stopped]);
    } catch (err) {
      if (opts.signal?.aborted) throw err; // the caller went away: nothing to answer
      const why = deadline.signal.aborted ? `did not answer within ${this.timeoutMs} ms` : reason(err);
      throw new WeirError('content_filter_unavailable', `content-safety policy "${this.policy}" could not judge the ${opts.role}: its classifier (${this.what}) ${why}; the call is refused rather than let through unjudged, try again`, { status: 503, retryable: true, cause: err });
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort!);
    }
  }
}

/** A failure in words that cannot hold the text: our own messages, else an error code. */
function reason(err: unknown): string {
  if (err instanceof WeirError) return err.code === 'content_filter_unavailable' ? `failed: ${err.message}` : `failed (${err.code})`;
  const e = err as Error;
  return `could not be reached (${(e.cause as { code?: string } | undefined)?.code ?? e.name})`;
}
