/**
 * The gateway's safety step (Azure OpenAI's content filter, offline): each deployment has a policy
 * (`safety_policy`, 'default' when unset); prompts are judged before the model is called, and
 * completions as they are produced. Policies and custom blocklists are stored by name; 'default'
 * is Azure's defaults until an operator replaces it. Each policy judges with its classifier
 * (safety-classifiers.ts): the offline lexicon unless it names an LLM judge or Azure AI Content
 * Safety, which fail closed. Filtered text is never logged or echoed: the answers carry the
 * categories only.
 */
import { z } from 'zod';
import { WeirError } from '../../errors.ts';
import { Blocklists, LexiconClassifier, completionWindow, DEFAULT_POLICY, moderate, type BlocklistDefinition, type Classification, type ContentFilterResults, type SafetyClassifier, type SafetyPolicy, type StreamWindow, type Verdict } from '../../safety/index.ts';
import { filteredParts, verdict } from '../../safety/policy.ts';
import type { DeploymentRow, Store } from '../../store/types.ts';
import { checkClassifier, ClassifierSpec, classifierFor, LEXICON, type SafetyHost } from './safety-classifiers.ts';

const NAME = /^[0-9A-Za-z._~-]{1,64}$/;
const FRESH_MS = 1000;
const STREAM_WINDOW_CHARS = 24;
/** A remote classifier is a call per window: streamed text is held in longer windows for it. */
const REMOTE_STREAM_WINDOW_CHARS = 200;

const Threshold = z.enum(['low', 'medium', 'high', 'off']);
const Thresholds = z.object({ hate: Threshold, sexual: Threshold, violence: Threshold, self_harm: Threshold }).partial().strict();
export const PolicyBody = z
  .object({
    prompt: Thresholds.optional(),
    completion: Thresholds.optional(),
    jailbreak: z.boolean().optional(),
    blocklists: z.array(z.string().regex(NAME, 'a blocklist name is 1 to 64 letters, digits or . _ ~ -')).max(16).optional(),
    /** What judges the text: `{"type":"lexicon"}` (the default), an LLM judge, or Azure AI Content Safety. */
    classifier: ClassifierSpec.optional(),
  })
  .strict();
export const BlocklistBody = z
  .object({ items: z.array(z.object({ id: z.string(), term: z.string().optional(), pattern: z.string().optional() }).strict()).max(1000) })
  .strict();

/** A stored policy body over the defaults: what is not said is Azure's default. */
export function policyOf(body: z.infer<typeof PolicyBody>): SafetyPolicy {
  return {
    prompt: { ...DEFAULT_POLICY.prompt, ...body.prompt },
    completion: { ...DEFAULT_POLICY.completion, ...body.completion },
    jailbreak: body.jailbreak ?? DEFAULT_POLICY.jailbreak,
    blocklists: body.blocklists ?? [],
  };
}

/** Azure's inner error on a filtered call (its own code, not one of Weir's), naming the categories. */
const AZURE_POLICY_VIOLATION = 'ResponsibleAIPolicyViolation';
export const innerError = (results: ContentFilterResults) => ({ code: AZURE_POLICY_VIOLATION, content_filter_result: results });

/** A filtered prompt: 400 `content_filter`, Azure's inner error naming the categories. */
export class ContentFilterError extends WeirError {
  constructor(
    readonly results: ContentFilterResults,
    what: string,
    param: string,
  ) {
    super('content_filter', `${what} was filtered by the deployment's content-safety policy (${filteredParts({ filtered: true, results }).join(', ')}); change it and try again`, { status: 400, path: [param] });
  }
}

/** A policy as stored: thresholds, and the classifier that judges for it. */
export interface StoredPolicy {
  policy: SafetyPolicy;
  spec: ClassifierSpec;
  classifier: SafetyClassifier;
}

interface Settings {
  policies: Map<string, StoredPolicy>;
  /** The offline classifier, with the stored blocklists compiled: lexicon policies judge with it, the others match blocklists with it. */
  lexicon: LexiconClassifier;
  lists: Set<string>;
}

/** The policy a deployment's calls pass; one deleted since falls back to the default policy. */
const policyIn = (s: Settings, d: DeploymentRow): StoredPolicy =>
  s.policies.get(d.options?.safetyPolicy ?? 'default') ?? s.policies.get('default') ?? { policy: DEFAULT_POLICY, spec: LEXICON, classifier: s.lexicon };

export class Safety {
  #settings: Promise<Settings> | undefined;
  /** The settings last read, for the synchronous path flow endpoints take on every call. */
  #loaded: Settings | undefined;
  #readAt = 0;

  /** `host` gives remote classifiers a chat deployment to ask and connections to read. */
  constructor(
    private readonly store: Store,
    private readonly host: SafetyHost,
  ) {}

  /** Policies and the classifier (with the stored blocklists compiled), read at most once a second. */
  #current() {
    if (this.#settings && Date.now() - this.#readAt < FRESH_MS) return this.#settings;
    this.#readAt = Date.now();
    return (this.#settings = (async () => {
      const [policies, lists] = await Promise.all([this.store.safety.list('policy'), this.store.safety.list('blocklist')]);
      const defs = lists.map((l) => ({ name: l.name, items: (l.body as BlocklistDefinition).items }));
      const lexicon = new LexiconClassifier({ blocklists: new Blocklists(defs) });
      const stored = (name: string, body: z.infer<typeof PolicyBody>): StoredPolicy => {
        const policy = policyOf(body);
        const spec = body.classifier ?? LEXICON;
        return { policy, spec, classifier: classifierFor(name, spec, { lexicon, host: this.host, jailbreak: policy.jailbreak }) };
      };
      return (this.#loaded = {
        policies: new Map(policies.map((p) => [p.name, stored(p.name, p.body as z.infer<typeof PolicyBody>)])),
        lexicon,
        lists: new Set(defs.map((d) => d.name)),
      });
    })());
  }

  /**
   * Judges a flow's strings without a promise when the settings are fresh (a flow endpoint's every
   * call; a few microseconds of classifying, where promise hops cost as much again); undefined
   * when they must be read first.
   */
  #judgeNow(d: DeploymentRow, role: 'prompt' | 'completion', texts: string[]): { verdict: Verdict | undefined } | undefined {
    const s = this.#loaded;
    if (!s || this.#settings === undefined || Date.now() - this.#readAt >= FRESH_MS) return undefined;
    const { policy, classifier } = policyIn(s, d);
    // Only the lexicon judges without a promise; remote classifiers take the async path.
    if (!(classifier instanceof LexiconClassifier)) return undefined;
    if (!texts.length || !filtersAnything(policy, role)) return NOTHING_FILTERED;
    const c = classifier.classifySync(texts.length === 1 ? texts[0]! : texts.join('\n'), { role, blocklists: policy.blocklists });
    // Flows need a verdict only when it filters: clean text (the common case) skips building Azure's annotations.
    if (isClean(c)) return NOTHING_FILTERED;
    return { verdict: verdict(policy, role, c) };
  }

  #forget(): void {
    this.#settings = undefined;
    this.#loaded = undefined;
  }

  /** The policy a deployment's calls pass; one deleted since falls back to the default policy. */
  async policyFor(d: DeploymentRow): Promise<SafetyPolicy> {
    return policyIn(await this.#current(), d).policy;
  }

  /**
   * Judges a prompt; throws ContentFilterError when the policy filters it. Undefined when the
   * policy filters nothing (every threshold off, no prompt shield, no blocklist): nothing is judged
   * and nothing annotated, as with Azure's filters turned off.
   */
  async prompt(d: DeploymentRow, texts: readonly string[], param: string, signal?: AbortSignal): Promise<Verdict | undefined> {
    const { classifier, policy } = policyIn(await this.#current(), d);
    if (!filtersAnything(policy, 'prompt')) return undefined;
    const v = await moderate(classifier, policy, 'prompt', texts.join('\n'), signal);
    if (v.filtered) throw new ContentFilterError(v.results, 'The prompt', param);
    return v;
  }

  /** Judges a whole completion (a JSON answer). */
  async completion(d: DeploymentRow, text: string, signal?: AbortSignal): Promise<Verdict | undefined> {
    const { classifier, policy } = policyIn(await this.#current(), d);
    return filtersAnything(policy, 'completion') ? moderate(classifier, policy, 'completion', text, signal) : undefined;
  }

  /**
   * A window that releases a streamed completion only once judged. Windows are short (about 24
   * characters, ending at a word) so text still streams in small pieces; each is judged with the 60
   * characters released before it, so a phrase split across pieces is still seen whole.
   */
  async completionStream(d: DeploymentRow, signal?: AbortSignal): Promise<StreamWindow<Verdict> | undefined> {
    const { classifier, policy } = policyIn(await this.#current(), d);
    if (!filtersAnything(policy, 'completion')) return undefined;
    const windowSize = classifier instanceof LexiconClassifier ? STREAM_WINDOW_CHARS : REMOTE_STREAM_WINDOW_CHARS;
    return completionWindow(classifier, policy, { signal, windowSize, overlap: 60 });
  }

  /**
   * A flow's string inputs, judged as a prompt: throws (400 `content_filter` on `inputs`) when
   * filtered. A promise only when the settings must be read first.
   */
  flowInputs(d: DeploymentRow, inputs: Record<string, unknown>): Promise<unknown> | undefined {
    const texts = stringsIn(inputs);
    const now = this.#judgeNow(d, 'prompt', texts);
    if (!now) return texts.length ? this.prompt(d, texts, 'inputs') : undefined;
    if (now.verdict?.filtered) throw new ContentFilterError(now.verdict.results, 'The prompt', 'inputs');
    return undefined;
  }

  /** A flow's string outputs, judged as a completion: the ContentFilterError when filtered (they are withheld), else undefined. */
  flowOutputs(d: DeploymentRow, outputs: Record<string, unknown>): ContentFilterError | undefined | Promise<ContentFilterError | undefined> {
    const texts = stringsIn(outputs);
    const withheld = (v: Verdict | undefined) => (v?.filtered ? new ContentFilterError(v.results, "The flow's output", 'outputs') : undefined);
    const now = this.#judgeNow(d, 'completion', texts);
    if (now) return withheld(now.verdict);
    return texts.length ? this.completion(d, texts.join('\n')).then(withheld) : undefined;
  }

  // Management (the admin API).

  async policies(): Promise<{ name: string; policy: SafetyPolicy; classifier: ClassifierSpec; stored: boolean }[]> {
    const { policies } = await this.#current();
    const out = [...policies].map(([name, p]) => ({ name, policy: p.policy, classifier: p.spec, stored: true }));
    if (!policies.has('default')) out.unshift({ name: 'default', policy: DEFAULT_POLICY, classifier: LEXICON, stored: false });
    return out.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async policy(name: string): Promise<{ policy: SafetyPolicy; classifier: ClassifierSpec }> {
    const { policies } = await this.#current();
    const p = policies.get(name);
    if (p) return { policy: p.policy, classifier: p.spec };
    if (name === 'default') return { policy: DEFAULT_POLICY, classifier: LEXICON };
    throw new WeirError('safety_policy_not_found', `safety policy "${name}" not found`, { status: 404 });
  }

  /** What the policy names must exist: its blocklists, and its classifier's deployment or connection. */
  async putPolicy(name: string, body: z.infer<typeof PolicyBody>): Promise<{ policy: SafetyPolicy; classifier: ClassifierSpec }> {
    if (!NAME.test(name)) throw new WeirError('invalid_name', 'a safety policy name is 1 to 64 letters, digits or . _ ~ -', { status: 400, path: ['name'] });
    const { lists } = await this.#current();
    const missing = (body.blocklists ?? []).find((b) => !lists.has(b));
    if (missing) throw new WeirError('blocklist_not_found', `blocklist "${missing}" not found (PUT /api/blocklists/${missing} first)`, { status: 404, path: ['blocklists'] });
    if (body.classifier) await checkClassifier(body.classifier, this.host);
    await this.store.safety.put('policy', name, body);
    this.#forget();
    return { policy: policyOf(body), classifier: body.classifier ?? LEXICON };
  }

  /** Policies a deployment names cannot go; 'default' goes back to Azure's defaults. */
  async deletePolicy(name: string, deployments: DeploymentRow[]): Promise<void> {
    const user = deployments.find((d) => d.options?.safetyPolicy === name);
    if (user && name !== 'default') throw new WeirError('safety_policy_in_use', `deployment "${user.name}" uses safety policy "${name}"; give it another first`, { status: 409 });
    if (!(await this.store.safety.delete('policy', name)) && name !== 'default') throw new WeirError('safety_policy_not_found', `safety policy "${name}" not found`, { status: 404 });
    this.#forget();
  }

  async blocklists(): Promise<{ name: string; items: number }[]> {
    return (await this.store.safety.list('blocklist')).map((l) => ({ name: l.name, items: (l.body as BlocklistDefinition).items.length }));
  }

  async blocklist(name: string): Promise<BlocklistDefinition> {
    const row = await this.store.safety.get('blocklist', name);
    if (!row) throw new WeirError('blocklist_not_found', `blocklist "${name}" not found`, { status: 404 });
    return { name, items: (row.body as BlocklistDefinition).items };
  }

  /** Compiled before it is stored: a bad pattern is refused naming its item, never echoing it. */
  async putBlocklist(name: string, body: z.infer<typeof BlocklistBody>): Promise<BlocklistDefinition> {
    const def = { name, items: body.items };
    new Blocklists([def]);
    await this.store.safety.put('blocklist', name, { items: body.items });
    this.#forget();
    return def;
  }

  /** A deployment a policy's LLM judge asks cannot go while the policy names it (its calls would all be refused). */
  async checkNotJudge(deployment: string): Promise<void> {
    const { policies } = await this.#current();
    const user = [...policies].find(([, p]) => p.spec.type === 'llm_judge' && p.spec.deployment === deployment);
    if (user) throw new WeirError('deployment_in_use', `safety policy "${user[0]}" judges with deployment "${deployment}"; give the policy another classifier first`, { status: 409 });
  }

  async deleteBlocklist(name: string): Promise<void> {
    const { policies } = await this.#current();
    const user = [...policies].find(([, p]) => p.policy.blocklists.includes(name));
    if (user) throw new WeirError('blocklist_in_use', `safety policy "${user[0]}" uses blocklist "${name}"; take it out first`, { status: 409 });
    if (!(await this.store.safety.delete('blocklist', name))) throw new WeirError('blocklist_not_found', `blocklist "${name}" not found`, { status: 404 });
    this.#forget();
  }
}

/** Every string in a value (nested lists and objects too, to a bounded depth): what a policy judges in a flow's inputs or outputs. */
function stringsIn(value: unknown, depth = 0, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (depth < 16 && value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, depth + 1, out);
  return out;
}

/** Whether a policy could filter anything for `role`: a threshold on, the prompt shield (prompts), or a blocklist. */
export function filtersAnything(p: SafetyPolicy, role: 'prompt' | 'completion'): boolean {
  const t = role === 'prompt' ? p.prompt : p.completion;
  return t.hate !== 'off' || t.sexual !== 'off' || t.violence !== 'off' || t.self_harm !== 'off' || (role === 'prompt' && p.jailbreak) || p.blocklists.length > 0;
}

const NOTHING_FILTERED: { verdict: undefined } = Object.freeze({ verdict: undefined });

/** Nothing found at all: no policy can filter it. */
const isClean = (c: Classification): boolean =>
  !c.jailbreak && c.blocklist.length === 0 && c.categories.hate === 'safe' && c.categories.sexual === 'safe' && c.categories.violence === 'safe' && c.categories.self_harm === 'safe';
