import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value';

/** Namespaces of `run.vars`, by convention (the runtime enforces none of them). */
export const CONTEXT = 'context';
export const SCRATCHPAD = 'scratchpad';
export const RUNTIME = '_runtime';
export const TEMP = '_temp';
export const LIMITS = '_limits';

/**
 * `_set_nested` of the reference: split on ".", replace any missing or non-object segment with
 * `{}`, assign the last. No escaping of dots, no list indexing.
 */
export function setNested(target: JsonObject, dottedKey: string, value: JsonValue): void {
  const parts = dottedKey.split('.');
  let cur = target;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (isJsonObject(next)) cur = next;
    else {
      const fresh: JsonObject = {};
      cur[part] = fresh;
      cur = fresh;
    }
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** Reads a dotted path, or undefined. */
export function getNested(source: JsonObject, dottedKey: string): JsonValue | undefined {
  let cur: JsonValue | undefined = source;
  for (const part of dottedKey.split('.')) {
    if (!isJsonObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function ensureObject(vars: JsonObject, key: string): JsonObject {
  const v = vars[key];
  if (isJsonObject(v)) return v;
  const fresh: JsonObject = {};
  vars[key] = fresh;
  return fresh;
}

export function ensureNamespaces(vars: JsonObject): JsonObject {
  for (const k of [CONTEXT, SCRATCHPAD, RUNTIME, TEMP]) ensureObject(vars, k);
  return vars;
}

export const getContext = (vars: JsonObject): JsonObject => (ensureNamespaces(vars), ensureObject(vars, CONTEXT));
export const getScratchpad = (vars: JsonObject): JsonObject => (ensureNamespaces(vars), ensureObject(vars, SCRATCHPAD));
export const getRuntimeNs = (vars: JsonObject): JsonObject => (ensureNamespaces(vars), ensureObject(vars, RUNTIME));
export const getTemp = (vars: JsonObject): JsonObject => (ensureNamespaces(vars), ensureObject(vars, TEMP));

export function clearTemp(vars: JsonObject): void {
  vars[TEMP] = {};
}

/** Defaults of `vars.py` (note: a different key order from `RuntimeConfig.toLimitsDict`). */
export function defaultLimits(): JsonObject {
  return {
    max_iterations: 25,
    current_iteration: 0,
    max_tokens: 32768,
    max_output_tokens: null,
    max_history_messages: -1,
    estimated_tokens_used: 0,
    warn_iterations_pct: 80,
    warn_tokens_pct: 80,
  };
}

export function ensureLimits(vars: JsonObject): JsonObject {
  const v = vars[LIMITS];
  if (isJsonObject(v)) return v;
  const fresh = defaultLimits();
  vars[LIMITS] = fresh;
  return fresh;
}

export const getLimits = ensureLimits;
