export { bleu, BLEU_EPSILON, type BleuResult } from './bleu.ts';
export { cosineSimilarity, type CosineResult } from './cosine.ts';
export { exactMatch } from './exact-match.ts';
export { f1Score, type F1Result } from './f1-score.ts';
export { DEFAULT_SUPPORT_THRESHOLD, groundednessOffline, MAX_SUPPORT_WORK, passagesOf, splitSentences, type GroundednessResult, type SentenceSupport } from './groundedness-offline.ts';
export { lcsLength, MAX_LCS_CELLS, rougeL, type RougeLResult } from './rouge-l.ts';
export { squadNormalize, squadTokens, wordTokens } from './text.ts';
