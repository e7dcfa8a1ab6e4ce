/** Every provider by id: a catalog entry's `provider` picks the one that loads it. */
import type { ModelProvider, ProviderId } from '../types.ts';
import { extractiveProvider } from './extractive.ts';
import { llamaCppProvider } from './llama-cpp.ts';
import { openAiRemoteProvider } from './openai-remote.ts';
import { transformersProvider } from './transformers.ts';
import { useLiteProvider } from './use-lite.ts';

export const PROVIDERS: Record<ProviderId, ModelProvider> = {
  'llama-cpp': llamaCppProvider,
  transformers: transformersProvider,
  'use-lite': useLiteProvider,
  extractive: extractiveProvider,
  'openai-compatible': openAiRemoteProvider,
};
