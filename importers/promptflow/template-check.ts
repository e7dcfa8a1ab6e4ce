import { compileTemplate, TemplateSyntaxError } from '../../engine/sandbox/template/index.ts';
import type { Report } from './report.ts';
import type { SourceFiles } from './source-files.ts';
import { joinPath } from './source-files.ts';

/** Role lines as prompt flow's parse_chat reads them (nodes/lib/chat-messages.ts reads the same). */
const ROLE_LINE = /^\s*(?:#\s*)?(system|user|assistant|function|tool)\s*:\s*$/i;
/** Prompt flow's `#{0,2}\s*name:`, written so a long run of spaces cannot make it backtrack. */
const NAME_LINE = /^\s*(?:#{1,2}\s*)?name\s*:\s*$/i;
/** Prompt flow's image syntax in a chat template: `![image](path)` or `![image]({{var}})`. */
const IMAGE = /!\[image\]\(/i;

/**
 * Function calling in a chat template. Weir's llm node reads `tool:` messages and an assistant's
 * `tool_calls:` as prompt flow does, so they need nothing; what differs is said: a legacy
 * `function:` message answers a call its assistant message is given (Weir's models take tool
 * answers only to calls), and a `name:` under system/user/assistant is dropped (Weir's chat
 * messages carry no participant name). The role a line is under is the last role line above it,
 * which is what the template renders unless a loop or condition prints role lines of its own.
 */
function functionCalling(lines: string[], file: string, report: Report): void {
  let role: string | undefined;
  let fn: number | undefined;
  let named: number | undefined;
  lines.forEach((l, i) => {
    const m = ROLE_LINE.exec(l);
    if (m) role = m[1].toLowerCase();
    if (role === 'function') fn ??= i;
    else if (role && role !== 'tool' && NAME_LINE.test(l)) named ??= i;
  });
  if (fn !== undefined) {
    report.add('changed', `template ${file}: function messages → tool messages`, {
      file, line: fn + 1,
      why: "a function: message (name, content) becomes the tool answer to the assistant message before it, which is given that call (arguments {}, id call_function_<n>) unless it already has one of that name: the models Weir calls take a tool answer only to a call",
    });
  }
  if (named !== undefined) {
    report.add('changed', `template ${file}: participant names dropped`, {
      file, line: named + 1,
      why: "a name: line under a system, user or assistant message is read as prompt flow reads it, but Weir's chat messages carry no name, so the model does not see it",
      todo: 'if the model needs to tell speakers apart, put the name in the message text',
    });
  }
}

/**
 * Whether the template parses in Weir's Jinja, and what in it Weir's llm node cannot do: each an
 * attention item naming the template line. Returns whether it compiled.
 */
export function checkTemplate(text: string, file: string, files: SourceFiles, report: Report, llm: boolean): boolean {
  const lines = text.split(/\r?\n/);
  if (llm) {
    functionCalling(lines, file, report);
    const image = lines.findIndex((l) => IMAGE.test(l));
    if (image >= 0) {
      report.add('attention', `template ${file}: image input`, { file, line: image + 1, why: "Weir's llm node sends text only", todo: 'describe the image in text, or call a vision model from a python node' });
    }
  }
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  try {
    compileTemplate(text, {
      load: (name) => {
        const p = joinPath('', name) ?? joinPath(dir, name);
        if (p === undefined) return undefined;
        const t = files.text(p);
        return 'text' in t ? t.text : undefined;
      },
    });
    return true;
  } catch (err) {
    const line = err instanceof TemplateSyntaxError && err.line !== undefined && !err.file ? err.line : undefined;
    report.add('attention', `template ${file} does not parse in Weir's Jinja`, {
      file, ...(line === undefined ? {} : { line }),
      why: err instanceof Error ? err.message : String(err),
      todo: 'fix the template (engine/sandbox/template/README-differences.md lists what differs from Jinja2)',
    });
    return false;
  }
}
