import { budget } from './budget.ts';
import { MAX_NESTING, pyFloat, pyInt } from './py-format.ts';
import { isBool, isDict, isFloat, isInt, isList, isNone, isStr, isUndef, type AnyValue } from './runtime-values.ts';
import { renderError } from './template-errors.ts';

/**
 * Jinja2's `tojson`: json.dumps with sorted keys and ASCII-only output, then `<`, `>`, `&` and `'`
 * escaped as \u003c … so the text is also safe inside HTML. Prompt flow users' JSON bodies and
 * prompts get exactly the text Jinja2 gives them.
 */
const HTML_SAFE: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', "'": '\\u0027' };

export function jsonString(s: string): string {
  budget().chargeChars(s.length);
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (HTML_SAFE[ch]) out += HTML_SAFE[ch];
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function jsonNumber(v: AnyValue): string {
  const x = v.value as number;
  if (isInt(v)) return pyInt(x);
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return pyFloat(x);
}

const typeName = (v: AnyValue) => (isUndef(v) ? 'Undefined' : v.type.replace(/Value$/, '').toLowerCase());

export function toJson(value: AnyValue, indent?: number): string {
  const parts: string[] = [];
  let length = 0;
  const push = (s: string) => {
    length += s.length;
    budget().chars(length);
    parts.push(s);
  };
  const onPath = new Set<unknown>();
  const walk = (v: AnyValue, depth: number): void => {
    if (isNone(v)) return push('null');
    if (isBool(v)) return push(v.value ? 'true' : 'false');
    if (isInt(v) || isFloat(v)) return push(jsonNumber(v));
    if (isStr(v)) return push(jsonString(v.value));
    if (!isList(v) && !isDict(v)) throw renderError(`Object of type ${typeName(v)} is not JSON serializable`);
    if (depth > MAX_NESTING) throw renderError(`a value nested more than ${MAX_NESTING} levels deep cannot be turned into JSON`);
    if (onPath.has(v)) throw renderError('Circular reference detected');
    onPath.add(v);
    if (indent !== undefined) budget().chars(length + indent * (depth + 1));
    const pad = indent === undefined ? '' : `\n${' '.repeat(indent * (depth + 1))}`;
    const end = indent === undefined ? '' : `\n${' '.repeat(indent * depth)}`;
    const sep = indent === undefined ? ', ' : ',';
    if (isList(v)) {
      budget().charge(v.value.length);
      if (v.value.length === 0) push('[]');
      else {
        push('[');
        v.value.forEach((item, i) => {
          push(i > 0 ? sep + pad : pad);
          walk(item, depth + 1);
        });
        push(`${end}]`);
      }
    } else {
      const map = v.value as Map<string, AnyValue>;
      budget().charge(map.size * 2);
      const keys = [...map.keys()].sort();
      if (keys.length === 0) push('{}');
      else {
        push('{');
        keys.forEach((k, i) => {
          push(`${i > 0 ? sep + pad : pad}${jsonString(k)}: `);
          walk(map.get(k)!, depth + 1);
        });
        push(`${end}}`);
      }
    }
    onPath.delete(v);
  };
  walk(value, 0);
  return parts.join('');
}
