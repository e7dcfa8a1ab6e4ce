import { z } from 'zod';
import type { AnyNodeDefinition } from './node-definition.ts';
import { WeirError } from './errors.ts';

export type JsonSchema = Record<string, unknown>;

/** A node definition plus what the engine derives from it once: JSON Schemas and required ports. */
export interface RegisteredNode {
  def: AnyNodeDefinition;
  config: JsonSchema;
  inputs: Record<string, JsonSchema>;
  extraInputs?: JsonSchema;
  output: JsonSchema;
  requiredInputs: string[];
}

function toJson(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
}

/** The single place node types are looked up. The engine gets one; it imports no node file. */
export class NodeRegistry {
  readonly #nodes = new Map<string, RegisteredNode>();

  constructor(defs: readonly AnyNodeDefinition[]) {
    for (const def of defs) this.add(def);
  }

  add(def: AnyNodeDefinition): void {
    if (this.#nodes.has(def.type)) {
      throw new WeirError('duplicate_node_type', `node type "${def.type}" is registered twice`);
    }
    const inputs: Record<string, JsonSchema> = {};
    const requiredInputs: string[] = [];
    for (const [name, schema] of Object.entries(def.inputs as Record<string, z.ZodType>)) {
      inputs[name] = toJson(schema, 'input');
      if (!schema.safeParse(undefined).success) requiredInputs.push(name);
    }
    this.#nodes.set(def.type, {
      def,
      config: toJson(def.config, 'input'),
      inputs,
      extraInputs: def.extraInputs ? toJson(def.extraInputs, 'input') : undefined,
      output: toJson(def.output, 'output'),
      requiredInputs,
    });
  }

  get(type: string): RegisteredNode | undefined {
    return this.#nodes.get(type);
  }

  types(): string[] {
    return [...this.#nodes.keys()];
  }

  /** What the editor and `/api/node-types` show: ports, flags and the config form's schema. */
  describe(): object[] {
    return [...this.#nodes.values()].map((n) => ({
      type: n.def.type,
      title: n.def.title,
      category: n.def.category,
      description: n.def.description,
      inputs: n.inputs,
      required_inputs: n.requiredInputs,
      extra_inputs: n.extraInputs ?? null,
      output: n.output,
      config: n.config,
      streams: n.def.streams === true,
      accepts_skipped_inputs: n.def.acceptsSkippedInputs === true,
    }));
  }
}
