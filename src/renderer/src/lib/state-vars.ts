import { isLosslessNumber, parse, stringify } from 'lossless-json';

/**
 * The `vars` of a whole run state, as JSON text to edit, with every number exactly as saved
 * (lossless-json: 12345678901234567890 and 1.0 stay what they are).
 */
export function varsTextOf(stateJson: string): string {
  const state = parse(stateJson) as { vars?: unknown } | null;
  return stringify(state?.vars ?? {}, null, 2) ?? '{}';
}

export type VarsCheck = { ok: true; text: string } | { ok: false; message: string };

/** Checks edited vars before they are sent: JSON, an object at the top, numbers kept as typed. */
export function checkVarsText(text: string): VarsCheck {
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    return { ok: false, message: `Not valid JSON: ${(e as Error).message}. Nothing is forked until it parses.` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isLosslessNumber(value)) {
    return { ok: false, message: 'The vars must be a JSON object, like {"name": "Ada"}.' };
  }
  return { ok: true, text };
}

/** True when two JSON texts hold the same value (formatting aside), compared losslessly. */
export function sameJson(a: string, b: string): boolean {
  try {
    return stringify(parse(a)) === stringify(parse(b));
  } catch {
    return false;
  }
}

export interface VarsEdit {
  /** Dotted path from `vars` (`vars.user_name.response`). */
  path: string;
  kind: 'added' | 'removed' | 'changed';
}

/**
 * What an edit changes, path by path, compared losslessly (a number is its digits): what the
 * dialog shows before forking, and what the backend records in the fork's origin. Arrays are
 * compared whole: an edited list is one change, as the backend's diff also reports it.
 */
export function varsEdits(beforeText: string, afterText: string): VarsEdit[] {
  const out: VarsEdit[] = [];
  walk(parse(beforeText), parse(afterText), ['vars'], out);
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !isLosslessNumber(v);

function walk(a: unknown, b: unknown, path: string[], out: VarsEdit[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of Object.keys(a)) {
      if (!Object.hasOwn(b, k)) out.push({ path: [...path, k].join('.'), kind: 'removed' });
      else walk(a[k], b[k], [...path, k], out);
    }
    for (const k of Object.keys(b)) if (!Object.hasOwn(a, k)) out.push({ path: [...path, k].join('.'), kind: 'added' });
    return;
  }
  if (stringify(a) !== stringify(b)) out.push({ path: path.join('.'), kind: 'changed' });
}
