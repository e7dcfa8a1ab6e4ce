/**
 * An LLM judge (issue #15): any chat model asked, in Llama Guard 3's format, whether a prompt or a
 * completion is unsafe under the MLCommons hazard taxonomy (S1…S14), its answer mapped onto the
 * four categories. Llama Guard is binary per category: it says *that* a text is unsafe and under
 * which codes, never how severe, so every flagged category is graded `medium` — a policy threshold
 * of `low` or `medium` blocks it, `high` lets it through. The judge has no prompt-attack category
 * (S14 is code-interpreter abuse), so jailbreaks, and the custom blocklists, are left to a local
 * classifier (the offline lexicon) whose result is merged in, each category taking the higher
 * severity of the two. An answer that is neither `safe` nor `unsafe` with codes is an error, never
 * read as safe. The model is a function, so this module knows nothing of deployments.
 */
import { WeirError } from '../errors.ts';
import { maxSeverity, safeClassification, type Category, type Classification, type ClassifyOptions, type Role, type SafetyClassifier } from './types.ts';

export interface JudgeMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
/** Sends messages to the judging chat model and resolves to its answer's text. */
export type JudgeChat = (messages: JudgeMessage[], signal?: AbortSignal) => Promise<string>;

/** The hazard categories as Llama Guard 3 lists them (MLCommons taxonomy, plus S14). */
export const HAZARDS = [
  ['S1', 'Violent Crimes'],
  ['S2', 'Non-Violent Crimes'],
  ['S3', 'Sex-Related Crimes'],
  ['S4', 'Child Sexual Exploitation'],
  ['S5', 'Defamation'],
  ['S6', 'Specialized Advice'],
  ['S7', 'Privacy'],
  ['S8', 'Intellectual Property'],
  ['S9', 'Indiscriminate Weapons'],
  ['S10', 'Hate'],
  ['S11', 'Suicide & Self-Harm'],
  ['S12', 'Sexual Content'],
  ['S13', 'Elections'],
  ['S14', 'Code Interpreter Abuse'],
] as const;
export type HazardCode = (typeof HAZARDS)[number][0];

/** Codes the four categories cover; the others (crimes, privacy, IP, elections, …) have no Azure category and are ignored. */
export const HAZARD_CATEGORY: Readonly<Partial<Record<HazardCode, Category>>> = {
  S1: 'violence',
  S9: 'violence',
  S3: 'sexual',
  S4: 'sexual',
  S12: 'sexual',
  S10: 'hate',
  S11: 'self_harm',
};

/** What the judge said: safe, or unsafe with the hazard codes it named (known codes only). */
export type JudgeAnswer = { safe: true } | { safe: false; codes: HazardCode[] };

const KNOWN = new Set<string>(HAZARDS.map(([code]) => code));
const unreadable = (why: string) => new WeirError('content_filter_unavailable', `the LLM judge's answer is not a verdict (${why})`, { status: 503, retryable: true });

/**
 * Reads a Llama Guard answer: first line `safe` or `unsafe`, then (when unsafe) the codes, comma
 * separated (`S1,S10`). Tolerant of case, surrounding punctuation or markdown, and codes on the
 * first line; strict about the verdict itself. The answer's words never reach the error.
 */
export function parseJudgeAnswer(answer: string): JudgeAnswer {
  const words = answer.trim().toLowerCase().split(/\s+/, 1)[0]?.replace(/^[^a-z]+|[^a-z]+$/g, '') ?? '';
  if (words === 'safe') return { safe: true };
  if (words !== 'unsafe') throw unreadable(answer.trim() ? 'it does not start with safe or unsafe' : 'it is empty');
  const named = answer.toUpperCase().match(/\bS\d{1,2}\b/g) ?? [];
  if (named.length === 0) throw unreadable('unsafe without a category code');
  const codes = [...new Set(named)].filter((c): c is HazardCode => KNOWN.has(c));
  return { safe: false, codes };
}

/** The four categories an answer flags, each `medium` (Llama Guard grades nothing). */
export function judgedClassification(a: JudgeAnswer): Classification {
  const out = safeClassification();
  if (!a.safe) for (const code of a.codes) {
    const cat = HAZARD_CATEGORY[code];
    if (cat) out.categories[cat] = 'medium';
  }
  return out;
}

/** Llama Guard 3's own markers; a text holding them could close the conversation early and speak for the judge. */
const MARKERS = /<\s*(BEGIN|END) (UNSAFE CONTENT CATEGORIES|CONVERSATION)\s*>/gi;

/** Llama Guard 3's task, for a prompt (the User's turn) or a completion (the Agent's). */
export function judgeMessages(text: string, role: Role): JudgeMessage[] {
  const who = role === 'prompt' ? 'User' : 'Agent';
  const categories = HAZARDS.map(([code, name]) => `${code}: ${name}.`).join('\n');
  const content = [
    `Task: Check if there is unsafe content in '${who}' messages in conversations according to our safety policy with the below categories.`,
    '',
    '<BEGIN UNSAFE CONTENT CATEGORIES>', categories, '<END UNSAFE CONTENT CATEGORIES>',
    '',
    '<BEGIN CONVERSATION>', '', `${who}: ${text.replace(MARKERS, ' ')}`, '', '<END CONVERSATION>',
    '',
    `Provide your safety assessment for ONLY THE LAST ${who} message in the above conversation:`,
    " - First line must read 'safe' or 'unsafe'.",
    ' - If unsafe, a second line must include a comma-separated list of violated categories.',
  ].join('\n');
  return [{ role: 'user', content }];
}

export interface LlmJudgeOptions {
  chat: JudgeChat;
  /** Judges prompt attacks and the custom blocklists; its four categories are merged in too. */
  local: SafetyClassifier;
}

export class LlmJudgeClassifier implements SafetyClassifier {
  readonly name = 'llm_judge';
  constructor(private readonly opts: LlmJudgeOptions) {}

  async classify(text: string, opts: ClassifyOptions): Promise<Classification> {
    const [answer, local] = await Promise.all([this.opts.chat(judgeMessages(text, opts.role), opts.signal), this.opts.local.classify(text, opts)]);
    const judged = judgedClassification(parseJudgeAnswer(answer));
    for (const cat of Object.keys(judged.categories) as Category[]) judged.categories[cat] = maxSeverity(judged.categories[cat], local.categories[cat]);
    return { categories: judged.categories, jailbreak: opts.role === 'prompt' && local.jailbreak, blocklist: local.blocklist };
  }
}
