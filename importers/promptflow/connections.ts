import { parseFlowText } from '../../engine/flow/yaml-source.ts';
import { isObj, str } from './context.ts';
import type { Report } from './report.ts';
import type { ImportedConnection } from './types.ts';

/** Prompt flow connection types (the `type:` of a connection YAML file). */
const PF_TYPES = new Set(['azure_open_ai', 'open_ai', 'custom', 'serp', 'cognitive_search', 'azure_content_safety', 'form_recognizer', 'qdrant', 'weaviate', 'serverless', 'azure_ai_services']);
const CONNECTION_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
const ENV = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;
/** Values prompt flow's samples leave for the user to fill in. */
const PLACEHOLDER = /^<[^<>]*>$/;

/** Whether a parsed YAML mapping is a prompt flow connection. */
export function isConnectionDoc(doc: unknown): doc is Record<string, unknown> {
  if (!isObj(doc)) return false;
  const schema = str(doc.$schema);
  return (schema !== undefined && /Connection\.schema/i.test(schema)) || (typeof doc.type === 'string' && PF_TYPES.has(doc.type) && !('nodes' in doc));
}

interface Resolved {
  values: Record<string, string>;
  missing: string[];
  literal: string[];
}

/** `${env:VAR}` read from `env`; a missing variable or an unfilled placeholder is listed, never guessed. */
function resolve(fields: Record<string, unknown>, env: Record<string, string | undefined>): Resolved {
  const out: Resolved = { values: {}, missing: [], literal: [] };
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || v === undefined) continue;
    const s = String(v).trim();
    const m = ENV.exec(s);
    if (m) {
      const value = env[m[1]];
      if (value === undefined || value === '') out.missing.push(m[1]);
      else out.values[k] = value;
    } else if (s === '' || PLACEHOLDER.test(s)) out.missing.push(k);
    else {
      out.values[k] = s;
      out.literal.push(k);
    }
  }
  return out;
}

const pick = (doc: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => doc[k] !== undefined).map((k) => [k, doc[k]]));

/**
 * A prompt flow connection YAML → a Weir connection: AzureOpenAIConnection → azure_openai,
 * OpenAIConnection → openai (both OpenAI-compatible), CustomConnection → custom (its configs as
 * settings, its secrets as secrets; Weir has no generic type of its own, and the python node hands
 * such a connection to tools as prompt flow's CustomConnection). Secret values go into the returned
 * connection only: no report item holds one.
 */
export function convertConnection(text: string, file: string, env: Record<string, string | undefined>, report: Report): ImportedConnection | undefined {
  const parsed = parseFlowText(text, file);
  if (parsed.value === undefined || !isConnectionDoc(parsed.value)) {
    const p = parsed.problems[0];
    report.add('attention', `connection file ${file} not read`, { file, ...(p?.line ? { line: p.line } : {}), why: p ? p.message : 'it is not a prompt flow connection (no $schema naming a Connection, no connection type)', todo: 'create the connection in Weir by hand' });
    return undefined;
  }
  const doc = parsed.value;
  const line = (k: string) => parsed.locate([k])?.line;
  const name = str(doc.name) ?? file.split('/').pop()!.replace(/\.ya?ml$/i, '');
  const type = str(doc.type) ?? (/AzureOpenAI/i.test(String(doc.$schema)) ? 'azure_open_ai' : /OpenAI/i.test(String(doc.$schema)) ? 'open_ai' : /Custom/i.test(String(doc.$schema)) ? 'custom' : 'unknown');
  if (!CONNECTION_NAME.test(name)) {
    report.add('attention', `connection ${name} (${file}) not converted`, { file, line: line('name'), why: 'Weir connection names are letters, digits, _ . and -, starting with a letter or _', todo: 'rename it, and the nodes that use it' });
    return undefined;
  }
  let conn: ImportedConnection;
  if (type === 'azure_open_ai' || type === 'open_ai') {
    const settings = resolve(pick(doc, ['api_base', 'api_version', 'base_url', 'organization']), env);
    const secrets = resolve(pick(doc, ['api_key']), env);
    const s = settings.values;
    // Samples leave a word where the endpoint goes (api_base: "aoai-api-endpoint"): not a URL is not filled in.
    if (type === 'azure_open_ai' && s.api_base !== undefined && !/^https?:\/\/[^\s/]/i.test(s.api_base)) {
      delete s.api_base;
      settings.missing.push('api_base');
    }
    const weirSettings: Record<string, unknown> =
      type === 'azure_open_ai'
        ? { base_url: s.api_base ?? '', api_version: s.api_version ?? '2024-02-01', flavor: 'azure' }
        : { base_url: s.base_url || 'https://api.openai.com/v1', flavor: 'openai', ...(s.organization ? { headers: { 'OpenAI-Organization': s.organization } } : {}) };
    const missingSettings = settings.missing.filter((k) => !(type === 'open_ai' && (k === 'base_url' || k === 'organization')) && !(k === 'api_version'));
    conn = { name, type: type === 'azure_open_ai' ? 'azure_openai' : 'openai', settings: weirSettings, secrets: secrets.values, missing: [...missingSettings, ...secrets.missing] };
    if (secrets.literal.length) report.add('attention', `connection ${name}: api_key written in ${file}`, { file, line: line('api_key'), why: 'the key is in the file in clear text (it was used, and is stored encrypted in Weir)', todo: 'remove it from the file; use api_key: ${env:VAR} instead' });
    if (str(doc.auth_mode) && doc.auth_mode !== 'key') report.add('attention', `connection ${name}: auth_mode ${String(doc.auth_mode)}`, { file, line: line('auth_mode'), why: 'Weir calls Azure OpenAI with an API key', todo: 'give the connection an api_key' });
  } else if (type === 'custom') {
    const configs = isObj(doc.configs) ? doc.configs : {};
    const secretsDoc = isObj(doc.secrets) ? doc.secrets : {};
    const settings = resolve(configs, env);
    const secrets = resolve(secretsDoc, env);
    conn = { name, type: 'custom', settings: settings.values, secrets: secrets.values, missing: [...settings.missing, ...secrets.missing] };
    if (secrets.literal.length) report.add('attention', `connection ${name}: secrets ${secrets.literal.join(', ')} written in ${file}`, { file, line: line('secrets'), why: 'they are in the file in clear text (they were used, and are stored encrypted in Weir)', todo: 'remove them from the file; use ${env:VAR} instead' });
  } else {
    report.add('not_converted', `connection ${name} (${type})`, { file, line: line('type'), why: `Weir has no connection type for prompt flow's ${type}`, todo: 'call the service from an http node with an http connection, or from a python node with a custom connection' });
    return undefined;
  }
  const status = conn.missing.length ? 'attention' : 'converted';
  report.add(status, `connection ${name} (${type} → ${conn.type})`, {
    file, line: line('name') ?? 1, target: `connection ${name}`,
    ...(conn.missing.length ? { why: `missing: ${conn.missing.join(', ')} (not in the environment, or not filled in)`, todo: `set ${conn.missing.join(', ')} and import again, or fill them in the studio's Connections page` } : {}),
  });
  return conn;
}
