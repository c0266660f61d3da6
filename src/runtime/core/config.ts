import { type JsonObject, type JsonValue } from '../json/json-value';

/** RuntimeConfig of the reference; `toLimitsDict()` seeds `vars._limits` of every new run. */
export interface RuntimeConfigInit {
  maxIterations?: number;
  warnIterationsPct?: number;
  maxTokens?: number | null;
  maxOutputTokens?: number | null;
  warnTokensPct?: number;
  maxHistoryMessages?: number;
  modelCapabilities?: JsonObject;
}

export class RuntimeConfig {
  readonly maxIterations: number;
  readonly warnIterationsPct: number;
  readonly maxTokens: number | null;
  readonly maxOutputTokens: number | null;
  readonly warnTokensPct: number;
  readonly maxHistoryMessages: number;
  readonly modelCapabilities: JsonObject;

  constructor(init: RuntimeConfigInit = {}) {
    this.maxIterations = init.maxIterations ?? 25;
    this.warnIterationsPct = init.warnIterationsPct ?? 80;
    this.maxTokens = init.maxTokens ?? null;
    this.maxOutputTokens = init.maxOutputTokens ?? null;
    this.warnTokensPct = init.warnTokensPct ?? 80;
    this.maxHistoryMessages = init.maxHistoryMessages ?? -1;
    this.modelCapabilities = init.modelCapabilities ?? {};
    Object.freeze(this);
  }

  /** Keys in the reference's order. `max_tokens` falls back to the model's, then 32768. */
  toLimitsDict(): JsonObject {
    const caps = this.modelCapabilities;
    const capMax = 'max_tokens' in caps ? (caps['max_tokens'] as JsonValue) : 32768;
    return {
      max_iterations: this.maxIterations,
      current_iteration: 0,
      max_tokens: this.maxTokens || capMax,
      max_output_tokens: this.maxOutputTokens,
      estimated_tokens_used: 0,
      max_history_messages: this.maxHistoryMessages,
      warn_iterations_pct: this.warnIterationsPct,
      warn_tokens_pct: this.warnTokensPct,
    };
  }

  withCapabilities(modelCapabilities: JsonObject): RuntimeConfig {
    return new RuntimeConfig({ ...this, modelCapabilities });
  }
}
