import { isLosslessNumber, parse, stringify } from 'lossless-json';

/**
 * A JSON value as the screens draw it. Numbers keep their lexeme (`1.0`, `1e-05`, 2^64) because
 * users compare them with what Python wrote; JSON.parse would print `1` and lose digits.
 */
export type JsonNode =
  | { kind: 'object'; entries: Array<[string, JsonNode]>; artifactId: string | null }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; lexeme: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export type ParsedJson = { ok: true; node: JsonNode } | { ok: false; error: string };

function parseLossless(text: string): unknown {
  // Duplicate keys keep the last value, as Python's json module does.
  return parse(text, null, { onDuplicateKey: ({ newValue }) => newValue });
}

function toNode(v: unknown): JsonNode {
  if (v === null || v === undefined) return { kind: 'null' };
  if (isLosslessNumber(v)) return { kind: 'number', lexeme: v.value };
  if (typeof v === 'number') return { kind: 'number', lexeme: String(v) };
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v };
  if (Array.isArray(v)) return { kind: 'array', items: v.map(toNode) };
  const entries = Object.entries(v as Record<string, unknown>).map(([k, x]): [string, JsonNode] => [k, toNode(x)]);
  const ref = (v as Record<string, unknown>)['$artifact'];
  return { kind: 'object', entries, artifactId: typeof ref === 'string' && ref.length > 0 ? ref : null };
}

export function parseJsonTree(text: string): ParsedJson {
  try {
    return { ok: true, node: toNode(parseLossless(text)) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The short form shown on a collapsed branch or a one-line cell. */
export function summarizeNode(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return node.artifactId ? `artifact ${node.artifactId}` : `{${node.entries.length} ${node.entries.length === 1 ? 'key' : 'keys'}}`;
    case 'array':
      return `[${node.items.length} ${node.items.length === 1 ? 'item' : 'items'}]`;
    case 'string':
      return JSON.stringify(node.value.length > 80 ? `${node.value.slice(0, 80)}…` : node.value);
    case 'number':
      return node.lexeme;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
  }
}

/** Re-indents JSON text without touching number lexemes; invalid text comes back unchanged. */
export function prettyJson(text: string | null, indent = 2): string {
  if (text === null) return '';
  try {
    return stringify(parseLossless(text), null, indent) ?? text;
  } catch {
    return text;
  }
}

/** Every `{"$artifact": id}` reference inside a value, in document order, without duplicates. */
export function artifactRefs(node: JsonNode, out: string[] = []): string[] {
  if (node.kind === 'object') {
    if (node.artifactId && !out.includes(node.artifactId)) out.push(node.artifactId);
    for (const [, child] of node.entries) artifactRefs(child, out);
  } else if (node.kind === 'array') {
    for (const child of node.items) artifactRefs(child, out);
  }
  return out;
}

/** Where a parse error is, for the JSON editors: "line 3, column 7: …". */
export function describeJsonError(text: string): string | null {
  try {
    parseLossless(text);
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const m = /position (\d+)/.exec(message);
    if (!m) return message;
    const pos = Number(m[1]);
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const col = pos - before.lastIndexOf('\n');
    return `line ${line}, column ${col}: ${message.replace(/\s*\(?at position \d+\)?/i, '')}`;
  }
}
