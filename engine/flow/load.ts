import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { FlowValidationError, WeirError, type Problem } from '../errors.ts';
import type { NodeRegistry } from '../registry.ts';
import { compileValidated, type Plan } from './compile.ts';
import { validateFlow, type ValidationResult } from './validate.ts';
import { parseFlowText, type ParsedFlowText } from './yaml-source.ts';

export const FLOW_FILE = /\.flow\.(ya?ml|json)$/;

/** A flow file as read from disk: its text, the parsed document and where it lives. */
export interface LoadedFlow {
  file: string;
  dir: string;
  parsed: ParsedFlowText;
  raw: unknown;
  name?: string;
}

export async function loadFlowFile(file: string): Promise<LoadedFlow> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new WeirError('flow_file_unreadable', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? String(err)}`, { cause: err });
  }
  const parsed = parseFlowText(text, file);
  const raw = parsed.value;
  const name = raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name : undefined;
  return { file, dir: path.dirname(path.resolve(file)), parsed, raw, name };
}

/**
 * The flows a file can reach by name: the flow files in its folder. Sub-flows resolve here, and
 * each flow is compiled at most once however many runs use it.
 */
export class FlowLibrary {
  readonly #byName = new Map<string, LoadedFlow>();
  readonly #plans = new Map<string, Plan>();

  constructor(readonly registry: NodeRegistry, flows: LoadedFlow[] = []) {
    for (const f of flows) this.add(f);
  }

  static async fromDir(dir: string, registry: NodeRegistry): Promise<FlowLibrary> {
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => FLOW_FILE.test(f)).sort();
    const flows = await Promise.all(files.map((f) => loadFlowFile(path.join(dir, f))));
    return new FlowLibrary(registry, flows);
  }

  add(flow: LoadedFlow): void {
    if (flow.name && !this.#byName.has(flow.name)) this.#byName.set(flow.name, flow);
  }

  get(name: string): LoadedFlow | undefined {
    return this.#byName.get(name);
  }

  readonly resolveFlow = (name: string): unknown => this.#byName.get(name)?.raw;

  /** Parse problems first (a file that is not YAML has nothing else to check), then validation. */
  validate(flow: LoadedFlow): ValidationResult | { ok: false; problems: Problem[] } {
    if (flow.parsed.problems.length) return { ok: false, problems: flow.parsed.problems };
    return validateFlow(flow.raw, { registry: this.registry, flowDir: flow.dir, resolveFlow: this.resolveFlow }, flow.parsed.locate);
  }

  /** Compiles from a validation already made (`weir run` prints its problems first), or makes one. */
  compile(flow: LoadedFlow, result = this.validate(flow)): Plan {
    if (!('analysis' in result) || !result.ok) {
      throw new FlowValidationError(result.problems.filter((p) => p.severity !== 'warning'), flow.name);
    }
    return compileValidated(result, { registry: this.registry, flowDir: flow.dir, resolveFlow: this.resolveFlow });
  }

  /** The compiled plan of a flow by name (for sub-flows), compiled once. */
  readonly plan = (name: string): Plan => {
    let plan = this.#plans.get(name);
    if (!plan) {
      const flow = this.#byName.get(name);
      if (!flow) throw new WeirError('unknown_flow', `flow "${name}" not found`, { status: 404 });
      plan = this.compile(flow);
      this.#plans.set(name, plan);
    }
    return plan;
  };
}
