/**
 * What runs inside a compute thread: one function per task kind. Each model library (TF.js,
 * transformers.js) is imported by its module on the first task that needs it, so a thread that
 * only tokenizes or loads files never pays for it. Errors are returned as data (see outcome.ts).
 *
 * Modules of our own are imported statically: run from source, a worker thread has tsx's require
 * hook but not its ESM loader hook (Node 20), so a dynamic import() of a .ts file fails there.
 */
import { embedInThread as embedUse, similaritiesInThread, useTokenizer } from '../../models/providers/use-lite-thread.ts';
import { embedInThread as embedTransformers, loadInThread, tokenizeInThread } from '../../models/providers/transformers-thread.ts';
import { lowerThreadPriority } from '../thread-priority.ts';
import { loadAndChunk } from './document-task.ts';
import { errorData, type Outcome } from './outcome.ts';
import type { ComputeTask, ResultOf } from './tasks.ts';

lowerThreadPriority();

async function handle(task: ComputeTask): Promise<unknown> {
  switch (task.kind) {
    case 'use-embed':
      return embedUse(task.texts);
    case 'use-similarities':
      return similaritiesInThread(task.query, task.texts);
    case 'use-tokenize':
      return (await useTokenizer())(task.text);
    case 'document':
      return loadAndChunk(task);
    case 'transformers-load':
      return loadInThread(task.model);
    case 'transformers-embed':
      return embedTransformers(task.model, task.texts, task.contextLength);
    case 'transformers-tokenize':
      return tokenizeInThread(task.model, task.text);
    default:
      throw new Error(`unknown compute task ${JSON.stringify((task as { kind: unknown }).kind)}`);
  }
}

export default async function computeTask<K extends ComputeTask['kind']>(task: ComputeTask & { kind: K }): Promise<Outcome<ResultOf<K>>> {
  try {
    return { ok: true, value: (await handle(task)) as ResultOf<K> };
  } catch (err) {
    return { ok: false, error: errorData(err) };
  }
}
