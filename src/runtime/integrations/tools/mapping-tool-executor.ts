import { InvalidArgumentError } from '../../errors';
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { toJsonable } from './jsonable';
import { toolResult, type ToolExecution, type ToolExecutionContext, type ToolExecutor } from './tool-executor';

/** How a tool presents itself to the LLM: the reference's `{name, description, parameters}`. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters?: JsonObject;
}

/**
 * A tool is a function of ONE arguments object: Python calls `func(**arguments)`, a TypeScript
 * tool receives `arguments` itself (`({ x, y }) => x + y`). The call's context (run id, abort
 * signal) comes second, for tools that want it. It may return a value or a promise.
 */
export type ToolFunction = ((args: JsonObject, context: ToolExecutionContext) => unknown) & { toolDefinition?: ToolDefinition };

/** Attaches a definition to a function, so `fromTools` names it and agents can describe it. */
export function defineTool(definition: ToolDefinition, fn: (args: JsonObject, context: ToolExecutionContext) => unknown): ToolFunction {
  return Object.assign((args: JsonObject, context: ToolExecutionContext) => fn(args, context), { toolDefinition: { ...definition } });
}

/**
 * `MappingToolExecutor` of §9.4: runs trusted tools in this process, one call after the other, and
 * reports each as `{call_id, name, success, output, error}`. An unknown tool or a tool that throws
 * gives `success: false` with the reason; the effect itself still completes.
 */
export class MappingToolExecutor implements ToolExecutor {
  private readonly tools: ReadonlyMap<string, ToolFunction>;

  constructor(toolMap: Readonly<Record<string, ToolFunction>> | ReadonlyMap<string, ToolFunction>) {
    const entries = toolMap instanceof Map ? [...toolMap.entries()] : Object.entries(toolMap);
    for (const [name, fn] of entries) {
      if (typeof fn !== 'function') throw new InvalidArgumentError(`Tool '${name}' is not a function`, { name });
    }
    this.tools = new Map(entries);
  }

  /** Names each tool by `toolDefinition.name`, else the function's own name. */
  static fromTools(tools: readonly ToolFunction[]): MappingToolExecutor {
    const map = new Map<string, ToolFunction>();
    tools.forEach((fn, index) => {
      if (typeof fn !== 'function') throw new InvalidArgumentError(`Tool at index ${index} is not a function`, { index });
      const name = fn.toolDefinition?.name || fn.name;
      if (!name) throw new InvalidArgumentError(`Tool at index ${index} has no name: give it a toolDefinition (defineTool) or a named function`, { index });
      if (map.has(name)) throw new InvalidArgumentError(`Duplicate tool name '${name}' (index ${index})`, { index, name });
      map.set(name, fn);
    });
    return new MappingToolExecutor(map);
  }

  get toolNames(): string[] {
    return [...this.tools.keys()];
  }

  has(name: string): boolean {
    return this.tools.has(name);
  }

  /** The definitions to send to the LLM; a tool without one is described by its name alone. */
  definitions(): JsonObject[] {
    return [...this.tools.entries()].map(([name, fn]) => {
      const d = fn.toolDefinition;
      return { name, description: d?.description ?? '', parameters: d?.parameters ?? { type: 'object', properties: {} } };
    });
  }

  async execute(toolCalls: readonly JsonValue[], context: ToolExecutionContext): Promise<ToolExecution> {
    const results: JsonValue[] = [];
    for (const raw of toolCalls) results.push(await this.executeOne(raw, context));
    return { mode: 'executed', results };
  }

  private async executeOne(raw: JsonValue, context: ToolExecutionContext): Promise<JsonObject> {
    const call = isJsonObject(raw) ? raw : {};
    const ref = { name: textOf(call['name']), call_id: textOf(call['call_id']) };
    const fn = this.tools.get(ref.name);
    if (!fn) return toolResult(ref, { error: `Tool '${ref.name}' not found` });
    const args = call['arguments'];
    if (args !== undefined && args !== null && !isJsonObject(args)) {
      return toolResult(ref, { error: `Tool '${ref.name}' arguments must be a JSON object, got ${Array.isArray(args) ? 'a list' : typeof args}` });
    }
    try {
      // A copy, so a tool that edits its arguments cannot change the payload the ledger records.
      const output = await fn({ ...(args ?? {}) }, context);
      return toolResult(ref, { output: toJsonable(output) });
    } catch (e) {
      return toolResult(ref, { error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** `str(x or "")` for the name and call id fields. */
function textOf(v: JsonValue | undefined): string {
  if (v === undefined || v === null || v === '' || v === false || v === 0) return '';
  return typeof v === 'string' ? v : String(v);
}
