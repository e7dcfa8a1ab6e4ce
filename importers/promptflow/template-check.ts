import { compileTemplate, TemplateSyntaxError } from '../../engine/sandbox/template/index.ts';
import type { Report } from './report.ts';
import type { SourceFiles } from './source-files.ts';
import { joinPath } from './source-files.ts';

/** Role lines Weir's llm node does not turn into messages: function calling and tool results. */
const FUNCTION_ROLE = /^\s*#{1,2}\s*(function|tool|name|tool_calls|tool_call_id)\s*:\s*$/i;
/** Prompt flow's image syntax in a chat template: `![image](path)` or `![image]({{var}})`. */
const IMAGE = /!\[image\]\(/i;

/**
 * Whether the template parses in Weir's Jinja, and what in it Weir's llm node cannot do: each an
 * attention item naming the template line. Returns whether it compiled.
 */
export function checkTemplate(text: string, file: string, files: SourceFiles, report: Report, llm: boolean): boolean {
  const lines = text.split(/\r?\n/);
  if (llm) {
    const roles = lines.map((l, i) => ({ l, i })).filter(({ l }) => FUNCTION_ROLE.test(l));
    if (roles.length) {
      const names = [...new Set(roles.map(({ l }) => l.trim()))].join(', ');
      report.add('attention', `template ${file}: function-calling role lines (${names})`, {
        file, line: roles[0].i + 1,
        why: "Weir's llm node makes system, user and assistant messages only; these lines become text of the message before them",
        todo: 'move function calling into a python node (or wait for tools support, issue #19) and remove these lines',
      });
    }
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
