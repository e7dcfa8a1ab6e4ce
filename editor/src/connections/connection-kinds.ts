/**
 * The connection types the page has a form for, with the settings and secrets the runtime reads
 * (engine/app/model-deployments.ts for models, nodes/http.ts for the http node). Other types (set
 * through the API, e.g. azure_content_safety) are edited as JSON settings.
 */
export interface SettingField {
  key: string;
  label: string;
  placeholder?: string;
  hint?: string;
  kind?: 'text' | 'select' | 'checkbox';
  options?: { value: string; label: string }[];
  required?: boolean;
}

export interface SecretField {
  key: string;
  label: string;
  hint?: string;
}

export interface ConnectionKind {
  type: string;
  label: string;
  summary: string;
  settings: SettingField[];
  secrets: SecretField[];
  /** Settings the form always writes for this type (the runtime's flavour). */
  fixed?: Record<string, unknown>;
}

const API_KEY: SecretField = { key: 'api_key', label: 'API key' };

export const KINDS: ConnectionKind[] = [
  {
    type: 'openai', label: 'OpenAI', summary: 'OpenAI, or any OpenAI-compatible API (vLLM, llama.cpp server, another Weir)',
    settings: [{ key: 'base_url', label: 'Base URL', placeholder: 'https://api.openai.com/v1', hint: 'The URL that /chat/completions and /models hang off.', required: true }],
    secrets: [API_KEY],
    fixed: { flavor: 'openai' },
  },
  {
    type: 'azure_openai', label: 'Azure OpenAI', summary: 'An Azure OpenAI resource; deployments name the Azure deployment as their remote model',
    settings: [
      { key: 'base_url', label: 'Endpoint', placeholder: 'https://my-resource.openai.azure.com', hint: 'The resource endpoint, without /openai/deployments/….', required: true },
      { key: 'api_version', label: 'API version', placeholder: '2024-10-21', required: true },
    ],
    secrets: [API_KEY],
    fixed: { flavor: 'azure' },
  },
  {
    type: 'ollama', label: 'Ollama', summary: 'A local or remote Ollama server, through its OpenAI-compatible API',
    settings: [{ key: 'base_url', label: 'Base URL', placeholder: 'http://localhost:11434/v1', hint: 'Ollama’s OpenAI-compatible address (ends in /v1).', required: true }],
    secrets: [{ key: 'api_key', label: 'API key (optional)', hint: 'Only when a proxy in front of Ollama asks for one.' }],
    fixed: { flavor: 'openai' },
  },
  {
    type: 'http', label: 'HTTP', summary: 'Any HTTP API, for the http node',
    settings: [
      { key: 'base_url', label: 'Base URL', placeholder: 'https://api.example.com/v1', hint: 'Relative URLs in the http node are joined onto it; Test fetches it.', required: true },
      {
        key: 'auth', label: 'Authentication', kind: 'select',
        options: [
          { value: '', label: 'From the secrets (bearer key, else basic, else none)' },
          { value: 'bearer', label: 'Bearer token (Authorization)' },
          { value: 'api-key', label: 'API key header' },
          { value: 'basic', label: 'Basic (user name and password)' },
          { value: 'none', label: 'None' },
        ],
      },
      { key: 'auth_header', label: 'Header name (optional)', placeholder: 'authorization / api-key' },
      { key: 'allow_private_network', label: 'Allow private and loopback addresses', kind: 'checkbox', hint: 'The http node refuses them otherwise.' },
    ],
    secrets: [API_KEY, { key: 'username', label: 'User name' }, { key: 'password', label: 'Password' }],
  },
];

export const kindOf = (type: string): ConnectionKind | undefined => KINDS.find((k) => k.type === type);
export const typeLabel = (type: string): string => kindOf(type)?.label ?? type;
