import type { PythonSignature } from '../flow/signature-ports.ts';

const STARTER_CODE = `from promptflow.core import tool


@tool
def my_tool(text: str) -> str:
    return text
`;

// Written out rather than read from the server, so a node from the palette validates at once, even offline.
const STARTER_SIGNATURE: PythonSignature = {
  function: 'my_tool',
  params: [{ name: 'text', type: 'string', annotation: 'str', has_default: false }],
  kwargs: false,
  returns: 'string',
  generator: false,
  imports: ['promptflow'],
};

/** The config a node gets when it is added from the palette: a working tool for types that need one. */
export function starterConfig(type: string): Record<string, unknown> | undefined {
  if (type !== 'python') return undefined;
  return { code: STARTER_CODE, function: 'my_tool', signature: structuredClone(STARTER_SIGNATURE) };
}
