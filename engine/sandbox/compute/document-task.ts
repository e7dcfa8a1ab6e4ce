/**
 * Loading a file and cutting it into chunks, in a compute thread. Both are CPU: parsing (pdf.js,
 * mammoth, htmlparser2, CSV) and counting tokens, which chunking does several times per chunk (5 %
 * of ingestion time with USE lite, all of it on the event loop before). Done where the tokenizer is,
 * a count costs no message between threads.
 */
import { chunkDocument, type Chunk } from '../../data/chunking.ts';
import { loadDocument } from '../../data/loaders/index.ts';
import { folderTokenizer } from '../../models/providers/transformers-thread.ts';
import { useTokenizer } from '../../models/providers/use-lite-thread.ts';
import type { ComputeTask, ResultOf, TokenizerSpec } from './tasks.ts';

function tokenizerFor(spec: TokenizerSpec): Promise<(text: string) => number[]> {
  return spec.kind === 'use-lite' ? useTokenizer() : folderTokenizer(spec.dir);
}

export async function loadAndChunk(task: Extract<ComputeTask, { kind: 'document' }>): Promise<ResultOf<'document'>> {
  const doc = await loadDocument({ name: task.name, bytes: task.bytes }, { textField: task.textField, maxBytes: task.maxBytes });
  if (!task.chunking) return { doc };
  const { tokenizer, maxTokens, overlapTokens } = task.chunking;
  const chunks: Chunk[] = await chunkDocument(doc, { tokenize: await tokenizerFor(tokenizer), maxTokens, overlapTokens });
  return { doc: { name: doc.name, title: doc.title, format: doc.format }, chunks };
}
