/**
 * Azure AI Content Safety as a classifier (issue #15), over its REST API (api-version 2024-09-01):
 * `text:analyze` grades the four categories on four levels (0, 2, 4, 6 → safe, low, medium, high),
 * and `text:shieldPrompt` (Prompt Shields) detects prompt attacks when the policy asks. Both take
 * at most 10 000 characters, so longer text is sent in pieces (cut at whitespace) and each category
 * takes the highest severity of any piece. Custom blocklists stay Weir's: a local classifier
 * matches them, so a policy's blocklists mean the same whichever classifier it uses (Azure-side
 * blocklists are not used). Any failure — an HTTP error, a timeout, an answer of another shape —
 * throws; the caller decides what a failure means (the gateway fails closed).
 */
import { WeirError } from '../errors.ts';
import { maxSeverity, safeClassification, type Category, type Classification, type ClassifyOptions, type SafetyClassifier, type Severity } from './types.ts';

export const AZURE_API_VERSION = '2024-09-01';
/** Characters one call takes (both APIs). */
export const AZURE_TEXT_LIMIT = 10_000;
const DEFAULT_TIMEOUT_MS = 10_000;

const AZURE_CATEGORY: Readonly<Record<string, Category>> = { Hate: 'hate', Sexual: 'sexual', Violence: 'violence', SelfHarm: 'self_harm' };
const AZURE_SEVERITY: Readonly<Record<number, Severity>> = { 0: 'safe', 2: 'low', 4: 'medium', 6: 'high' };

export interface AzureContentSafetyOptions {
  /** The resource endpoint, e.g. https://my-resource.cognitiveservices.azure.com */
  endpoint: string;
  apiKey: string;
  /** Ask Prompt Shields about prompts (the policy's `jailbreak`); completions never are. */
  shieldPrompts: boolean;
  /** Matches the custom blocklists; its categories are not used. */
  local: SafetyClassifier;
  /** Per call (default 10 s). */
  timeoutMs?: number;
}

/** Text cut into pieces of at most `limit` characters, at whitespace when there is any. */
export function splitText(text: string, limit = AZURE_TEXT_LIMIT): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const space = rest.lastIndexOf(' ', limit);
    const nl = rest.lastIndexOf('\n', limit);
    const cut = Math.max(space, nl) > 0 ? Math.max(space, nl) + 1 : limit;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}

const badAnswer = (what: string) => new WeirError('content_filter_unavailable', `Azure AI Content Safety answered ${what}`, { status: 503, retryable: true });

/** `text:analyze`'s answer as the four categories; anything else in its shape is an error. */
export function analysisOf(json: unknown): Record<Category, Severity> {
  const out = safeClassification().categories;
  const list = (json as { categoriesAnalysis?: unknown } | null)?.categoriesAnalysis;
  if (!Array.isArray(list)) throw badAnswer('without categoriesAnalysis');
  for (const item of list as { category?: unknown; severity?: unknown }[]) {
    const cat = AZURE_CATEGORY[String(item?.category)];
    if (!cat) continue; // a category Weir did not ask for
    const severity = typeof item.severity === 'number' ? severityOf(item.severity) : undefined;
    if (!severity) throw badAnswer(`a severity that is not one of 0 to 7 for ${item.category}`);
    out[cat] = maxSeverity(out[cat], severity);
  }
  return out;
}

/** Four levels as asked; the eight-level scale (1, 3, 5, 7) rounds down onto them, should a resource answer with it. */
function severityOf(n: number): Severity | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 7) return undefined;
  return AZURE_SEVERITY[n - (n % 2)];
}

/** `text:shieldPrompt`'s answer: whether the user prompt is an attack. */
export function attackOf(json: unknown): boolean {
  const detected = (json as { userPromptAnalysis?: { attackDetected?: unknown } } | null)?.userPromptAnalysis?.attackDetected;
  if (typeof detected !== 'boolean') throw badAnswer('without userPromptAnalysis.attackDetected');
  return detected;
}

export class AzureContentSafetyClassifier implements SafetyClassifier {
  readonly name = 'azure_content_safety';
  readonly #base: string;
  constructor(private readonly opts: AzureContentSafetyOptions) {
    this.#base = opts.endpoint.replace(/\/+$/, '');
  }

  async classify(text: string, opts: ClassifyOptions): Promise<Classification> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS), ...(opts.signal ? [opts.signal] : [])]);
    const pieces = splitText(text);
    const shield = opts.role === 'prompt' && this.opts.shieldPrompts;
    const [analyses, attacks, local] = await Promise.all([
      Promise.all(pieces.map((p) => this.#post('text:analyze', { text: p, categories: ['Hate', 'Sexual', 'Violence', 'SelfHarm'], outputType: 'FourSeverityLevels' }, signal).then(analysisOf))),
      shield ? Promise.all(pieces.map((p) => this.#post('text:shieldPrompt', { userPrompt: p, documents: [] }, signal).then(attackOf))) : [],
      this.opts.local.classify(text, opts),
    ]);
    const out = safeClassification();
    for (const a of analyses) for (const cat of Object.keys(a) as Category[]) out.categories[cat] = maxSeverity(out.categories[cat], a[cat]);
    return { categories: out.categories, jailbreak: attacks.some(Boolean), blocklist: local.blocklist };
  }

  async #post(operation: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    const res = await fetch(`${this.#base}/contentsafety/${operation}?api-version=${AZURE_API_VERSION}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Ocp-Apim-Subscription-Key': this.opts.apiKey },
      body: JSON.stringify(body),
      signal,
    });
    // Azure's error body can quote the request; only its status is kept.
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw badAnswer(`${res.status} to ${operation}`);
    }
    return res.json().catch(() => {
      throw badAnswer(`${operation} with a body that is not JSON`);
    });
  }
}
