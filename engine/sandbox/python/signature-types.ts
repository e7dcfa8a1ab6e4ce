/** Prompt flow's value types, as a Python tool's annotations map onto them; `connection` is a connection class. */
export type PythonValueType = 'string' | 'int' | 'double' | 'bool' | 'list' | 'object' | 'any' | 'connection';

export interface PythonParam {
  name: string;
  type: PythonValueType;
  /** The annotation as written (`List[str]`, `AzureOpenAIConnection`), for messages and the report. */
  annotation?: string;
  /** Whether the parameter has a default; `default` is its value when it is a literal. */
  has_default: boolean;
  default?: unknown;
  /** For `type: connection`: the class named (`AzureOpenAIConnection`, `OpenAIConnection`, `CustomConnection` …). */
  connection_class?: string;
}

/** A `@tool` function's signature, read from its source without running it (Python's `ast`). */
export interface PythonSignature {
  function: string;
  params: PythonParam[];
  /** It takes `**kwargs`: inputs beyond `params` are passed through. */
  kwargs: boolean;
  returns: PythonValueType;
  /** A generator function (`yield`): its chunks stream. */
  generator: boolean;
  /** Top-level module names the file imports (`bs4`, `openai`), for the requirements check. */
  imports: string[];
}

/**
 * The JSON Schema of a port of each value type: the server's ports (nodes/lib/python-tool.ts) and the
 * studio's canvas (editor/src/flow/signature-ports.ts) both read it, so they cannot disagree.
 */
export const SCHEMA_OF_VALUE_TYPE: Readonly<Record<PythonValueType, Readonly<Record<string, unknown>>>> = {
  string: { type: 'string' },
  int: { type: 'integer' },
  double: { type: 'number' },
  bool: { type: 'boolean' },
  list: { type: 'array' },
  object: { type: 'object' },
  any: {},
  connection: { type: 'string', description: 'the name of a connection' },
};
