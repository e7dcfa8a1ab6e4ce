import { BUILTIN_MODELS } from '../../../engine/models/catalog-data.ts';
import { extractiveProvider } from '../../../engine/models/providers/extractive.ts';
import { useLiteProvider } from '../../../engine/models/providers/use-lite.ts';
import { defaultThreads } from '../../../engine/models/threads.ts';
import type { LoadedModel, ModelEntry } from '../../../engine/models/types.ts';
import { WeirError } from '../../../engine/errors.ts';
import type { ModelRef } from '../../../engine/node-definition.ts';

const entry = (id: string): ModelEntry => {
  const e = BUILTIN_MODELS.find((m) => m.id === id);
  if (!e) throw new Error(`catalog has no ${id}`);
  return e;
};

/**
 * The offline default models, really loaded, under deployment names `chat` and `embeddings`:
 * what node tests call instead of a server's model deployments.
 */
export async function loadDefaultModels(): Promise<(ref: ModelRef) => Promise<LoadedModel>> {
  const threads = defaultThreads();
  const embedder = await useLiteProvider.load(entry('use-lite'), { threads });
  const chat = await extractiveProvider.load(entry('weir-extractive'), { threads, embedder: async () => embedder });
  const byName: Record<string, LoadedModel> = { chat, embeddings: embedder };
  return async (ref) => {
    const m = 'deployment' in ref ? byName[ref.deployment] : undefined;
    if (!m) throw new WeirError('model_not_found', `model ${JSON.stringify(ref)} not found`, { status: 404 });
    return m;
  };
}
