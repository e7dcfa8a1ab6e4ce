/**
 * The content-safety vocabulary shared by every classifier (issue #15): Azure OpenAI's four harm
 * categories graded on its four severity levels, prompt-attack detection, and custom blocklists.
 * A classifier only describes text; what is blocked is decided by a policy (policy.ts), so one
 * classification can be judged against the prompt and the completion thresholds alike.
 */
export const CATEGORIES = ['hate', 'sexual', 'violence', 'self_harm'] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['safe', 'low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Position on the scale, for comparisons (`safe` = 0 … `high` = 3). */
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
export const maxSeverity = (a: Severity, b: Severity): Severity => (severityRank(a) >= severityRank(b) ? a : b);

export type Role = 'prompt' | 'completion';

export interface BlocklistHit {
  /** The blocklist's name. */
  name: string;
  /** The matched item's id: never the item's text, nor the text it matched. */
  id: string;
}

export interface Classification {
  categories: Record<Category, Severity>;
  /** A prompt attack (jailbreak) was detected; always false for completions. */
  jailbreak: boolean;
  blocklist: BlocklistHit[];
}

export interface ClassifyOptions {
  role: Role;
  signal?: AbortSignal;
  /** Blocklists (by name) to check the text against; usually the policy's `blocklists`. */
  blocklists?: readonly string[];
}

/**
 * One interface for the offline lexicon classifier and the providers the issue plans next (an
 * LLM judge, Azure AI Content Safety through a connection): classify is async and takes a signal,
 * so a remote classifier fits without changing callers.
 */
export interface SafetyClassifier {
  readonly name: string;
  classify(text: string, opts: ClassifyOptions): Promise<Classification>;
}

export const safeClassification = (): Classification => ({
  categories: { hate: 'safe', sexual: 'safe', violence: 'safe', self_harm: 'safe' },
  jailbreak: false,
  blocklist: [],
});
