import { CATEGORIES, severityRank, type Category, type Classification, type Role, type Severity } from './types.ts';

/** Block at this severity and above, or never (`off`). */
export type Threshold = 'low' | 'medium' | 'high' | 'off';

export interface SafetyPolicy {
  prompt: Record<Category, Threshold>;
  completion: Record<Category, Threshold>;
  /** Filter prompts in which a prompt attack is detected (prompts only, as in Azure). */
  jailbreak: boolean;
  /** Names of the custom blocklists applied to prompts and completions. */
  blocklists: string[];
}

const mediumForAll: Record<Category, Threshold> = { hate: 'medium', sexual: 'medium', violence: 'medium', self_harm: 'medium' };

/** Azure OpenAI's defaults: medium and above blocked in all four categories both ways, prompt shields on. */
export const DEFAULT_POLICY: Readonly<SafetyPolicy> = Object.freeze({
  prompt: Object.freeze({ ...mediumForAll }),
  completion: Object.freeze({ ...mediumForAll }),
  jailbreak: true,
  blocklists: Object.freeze([]) as unknown as string[],
});

// Azure OpenAI's `content_filter_results` (and `prompt_filter_results[].content_filter_results`).
export interface SeverityResult { filtered: boolean; severity: Severity }
export interface DetectedResult { filtered: boolean; detected: boolean }
export interface BlocklistIdResult { filtered: boolean; id: string }
export interface BlocklistsResult { filtered: boolean; details: BlocklistIdResult[] }
export type ContentFilterResults = Record<Category, SeverityResult> & {
  jailbreak?: DetectedResult;
  custom_blocklists?: BlocklistsResult;
};

export interface Verdict {
  /** Any part filtered: the gateway refuses the prompt, or ends the completion with `content_filter`. */
  filtered: boolean;
  results: ContentFilterResults;
}

export function blocks(threshold: Threshold, severity: Severity): boolean {
  return threshold !== 'off' && severity !== 'safe' && severityRank(severity) >= severityRank(threshold);
}

/**
 * What a policy makes of a classification, in Azure's JSON shape so the gateway can put it into
 * answers as is. Keys come in Azure's (alphabetical) order. Annotations are always reported, even
 * for what the policy does not block, as Azure does when annotations are on; `jailbreak` appears for
 * prompts only, `custom_blocklists` only when the policy names blocklists (one detail per list,
 * its id being the list's name, as in Azure).
 */
export function verdict(policy: SafetyPolicy, role: Role, c: Classification): Verdict {
  const thresholds = role === 'prompt' ? policy.prompt : policy.completion;
  const results = {} as ContentFilterResults;
  let filtered = false;
  if (policy.blocklists.length > 0) {
    const matched = new Set(c.blocklist.map((h) => h.name));
    const details = policy.blocklists.map((id) => ({ filtered: matched.has(id), id }));
    const any = details.some((d) => d.filtered);
    results.custom_blocklists = { filtered: any, details };
    filtered ||= any;
  }
  for (const cat of ['hate', 'jailbreak', 'self_harm', 'sexual', 'violence'] as const) {
    if (cat === 'jailbreak') {
      if (role !== 'prompt') continue;
      const f = policy.jailbreak && c.jailbreak;
      results.jailbreak = { filtered: f, detected: c.jailbreak };
      filtered ||= f;
      continue;
    }
    const severity = c.categories[cat];
    const f = blocks(thresholds[cat], severity);
    results[cat] = { filtered: f, severity };
    filtered ||= f;
  }
  return { filtered, results };
}

/** The categories a verdict filtered, for error messages and metrics (names only, never text). */
export function filteredParts(v: Verdict): string[] {
  const out: string[] = CATEGORIES.filter((cat) => v.results[cat].filtered);
  if (v.results.jailbreak?.filtered) out.push('jailbreak');
  if (v.results.custom_blocklists?.filtered) out.push('custom_blocklists');
  return out;
}
