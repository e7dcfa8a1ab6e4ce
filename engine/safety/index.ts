/** Content safety (issue #15): classifiers, policies in Azure OpenAI's shape, blocklists, stream windows. */
export { CATEGORIES, SEVERITIES, severityRank, type BlocklistHit, type Category, type Classification, type ClassifyOptions, type Role, type SafetyClassifier, type Severity } from './types.ts';
export { DEFAULT_POLICY, blocks, filteredParts, verdict, type ContentFilterResults, type SafetyPolicy, type Threshold, type Verdict } from './policy.ts';
export { LexiconClassifier } from './lexicon-classifier.ts';
export { BLOCKLIST_LIMITS, Blocklists, type BlocklistDefinition, type BlocklistItem } from './blocklist.ts';
export { StreamWindow, type StreamWindowOptions } from './stream-window.ts';
export { completionWindow, moderate } from './filter.ts';
export { HAZARDS, HAZARD_CATEGORY, LlmJudgeClassifier, judgeMessages, judgedClassification, parseJudgeAnswer, type JudgeAnswer, type JudgeChat, type JudgeMessage } from './llm-judge-classifier.ts';
export { AZURE_API_VERSION, AZURE_TEXT_LIMIT, AzureContentSafetyClassifier, analysisOf, attackOf, splitText } from './azure-content-safety.ts';
