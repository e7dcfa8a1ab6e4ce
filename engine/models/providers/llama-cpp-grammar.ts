/**
 * Structured output for local GGUF models: OpenAI's response_format becomes a llama.cpp grammar,
 * so every sampled token keeps the text on a path the schema accepts, whatever the weights. Only
 * a generation cut short (max_tokens, context end) can leave the JSON unfinished; it then ends
 * with finish reason `length`, as OpenAI's does.
 */
import type { Llama, LlamaGrammar } from 'node-llama-cpp';
import type { ErrorCode } from '../../error-codes.ts';
import { WeirError } from '../../errors.ts';
import type { ResponseFormat } from '../types.ts';
import { message } from './llama-cpp-runtime.ts';

/**
 * node-llama-cpp's schema dialect is JSON Schema's common core with `oneOf` for alternatives.
 * `anyOf` means the same to a generator (one branch is produced), so it is renamed; the rest
 * passes through, and keywords the dialect does not know are ignored by it.
 */
export function toGbnfSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toGbnfSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'anyOf' && !('oneOf' in schema)) out.oneOf = toGbnfSchema(value);
    // `const`, `enum` and `default` hold data, not schemas: left as they are.
    else if (key === 'const' || key === 'enum' || key === 'default' || key === 'examples') out[key] = value;
    else out[key] = toGbnfSchema(value);
  }
  return out;
}

/**
 * node-llama-cpp's integers take an exponent, and with it `1e-5`, which no JSON Schema validator
 * calls an integer: the rule is narrowed to plain digits.
 */
const INTEGER_RULE = /^integer-number-rule ::= .*$/m;
const STRICT_INTEGER_RULE = 'integer-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,15})';

/** A grammar for the schema; a schema it cannot hold is the caller's 400 `code`, at `path`. */
export async function schemaGrammar(llama: Llama, schema: unknown, path: (string | number)[], code: ErrorCode): Promise<LlamaGrammar> {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new WeirError(code, 'a JSON schema must be an object', { status: 400, path });
  }
  try {
    // The schema is the caller's, checked by node-llama-cpp as it builds the grammar.
    const built = await llama.createGrammarForJsonSchema(toGbnfSchema(schema) as Parameters<Llama['createGrammarForJsonSchema']>[0]);
    if (!INTEGER_RULE.test(built.grammar)) return built;
    return await llama.createGrammar({
      grammar: built.grammar.replace(INTEGER_RULE, STRICT_INTEGER_RULE),
      stopGenerationTriggers: built.stopGenerationTriggers,
      trimWhitespaceSuffix: built.trimWhitespaceSuffix,
    });
  } catch (err) {
    throw new WeirError(code, `the JSON schema cannot be turned into a grammar for this local model (${message(err)}); llama.cpp refuses repetitions such as minItems or minLength past its limit`, {
      status: 400,
      path,
      cause: err,
    });
  }
}

/** The grammar for a response_format, or undefined when the answer is free text. */
export async function responseFormatGrammar(llama: Llama, format: ResponseFormat | undefined): Promise<LlamaGrammar | undefined> {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    // Any JSON value would parse, but json_object promises an object.
    return schemaGrammar(llama, { type: 'object', additionalProperties: true }, ['response_format'], 'invalid_response_format');
  }
  // strict or not, the answer is constrained: a grammar costs little and a broken JSON costs the caller.
  return schemaGrammar(llama, format.schema, ['response_format', 'json_schema', 'schema'], 'invalid_response_format');
}
