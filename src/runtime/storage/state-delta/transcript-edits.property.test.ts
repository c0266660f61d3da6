/**
 * A transcript of plain (mutable, not frozen) messages saved again and again by one tracker: the
 * writer compares every message with its copy on every save, and a message unchanged since the
 * last save is the common case it must make cheap without missing any edit. For random
 * transcripts of a few message shapes and random edits between saves (a field changed, a key
 * added, removed or moved last, an array inside grown, an object inside edited, a message
 * replaced by an equal copy, a null-prototype copy, a recorded key order, a frozen copy, the list
 * cut), including saves with nothing changed in between, each save's delta applied to the state
 * rebuilt before it gives exactly the state's text. And where code cannot be generated from
 * strings (no comparers), the deltas are the same.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeRunState } from '../../core/codecs';
import { type RunState } from '../../core/models';
import { JsonNumber } from '../../json/json-number';
import { cloneJson, isJsonObject, orderedKeys, setKeyOrder, type JsonObject, type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { applyStateDelta, StateDeltaTracker } from './state-delta';
import { makeRun } from '../testing/store-contract';

const text = (v: JsonValue): string => pyJsonDumps(v, { separators: [',', ':'] });

const leaf: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.constantFrom(new JsonNumber('1.0'), 2n ** 64n, -0, 0, 0.5, '', 'ok'),
  fc.string({ maxLength: 6, unit: 'binary' }),
);

/** Message `i` in one of a transcript's usual shapes (all plain object literals, no recorded order). */
function message(i: number, shape: number): JsonObject {
  switch (shape % 5) {
    case 0:
      return { role: 'user', content: `message ${i}` };
    case 1:
      return { role: 'assistant', content: `answer ${i}`, tool_calls: [{ id: `c${i}`, type: 'function', function: { name: 'f', arguments: '{}' } }] };
    case 2:
      return { role: 'tool', tool_call_id: `c${i}`, content: `result ${i}` };
    case 3:
      return { '7': i, role: 'user', content: `with an integer-like key ${i}` };
    default:
      return { role: 'assistant', content: null, usage: { total_tokens: i } };
  }
}

type Edit = { kind: 'push' | 'set' | 'add' | 'remove' | 'move' | 'grow' | 'inner' | 'copy' | 'nullProto' | 'order' | 'freeze' | 'cut'; at: number; key: string; value: JsonValue };
const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('push', 'push', 'set', 'add', 'remove', 'move', 'grow', 'inner', 'copy', 'nullProto', 'order', 'freeze', 'cut'),
  at: fc.nat(),
  key: fc.constantFrom('role', 'content', 'extra', '3', 'tool_calls', 'usage'),
  value: leaf,
});

function applyEdit(messages: JsonValue[], e: Edit): void {
  if (e.kind === 'push' || messages.length === 0) {
    messages.push(message(messages.length, e.at));
    return;
  }
  const i = e.at % messages.length;
  const m = messages[i] as JsonObject;
  if (e.kind === 'cut') {
    messages.length = i;
    return;
  }
  if (e.kind === 'copy') {
    messages[i] = cloneJson(m); // equal, another object
    return;
  }
  if (e.kind === 'nullProto') {
    messages[i] = Object.assign(Object.create(null) as JsonObject, cloneJson(m));
    return;
  }
  if (e.kind === 'freeze') {
    messages[i] = Object.freeze(cloneJson(m));
    return;
  }
  if (Object.isFrozen(m)) return; // user code replaces a frozen message, as 'copy' does
  const keys = orderedKeys(m);
  if (e.kind === 'set' && keys.length > 0) {
    m[keys[e.at % keys.length] as string] = cloneJson(e.value);
  } else if (e.kind === 'add' || e.kind === 'set') {
    m[e.key] = cloneJson(e.value);
  } else if (e.kind === 'remove' && keys.length > 0) {
    delete m[keys[e.at % keys.length] as string];
  } else if (e.kind === 'move' && keys.length > 0) {
    const k = keys[e.at % keys.length] as string;
    const v = m[k] as JsonValue;
    delete m[k];
    m[k] = v; // the same keys, in another order (unless it was last)
  } else if (e.kind === 'grow') {
    const calls = m['tool_calls'];
    if (Array.isArray(calls)) calls.push({ id: 'more', type: 'function', function: { name: 'g', arguments: '[]' } });
    else m['tool_calls'] = [];
  } else if (e.kind === 'inner') {
    const calls = m['tool_calls'];
    const first = Array.isArray(calls) ? calls[0] : m['usage'];
    if (isJsonObject(first)) first['function' in first ? 'function' : 'total_tokens'] = cloneJson(e.value);
  } else if (e.kind === 'order' && keys.length > 1) {
    setKeyOrder(m, [...keys].reverse());
  }
}

const runOf = (vars: JsonObject): RunState => makeRun({ runId: 'r', workflowId: 'w', currentNode: 'n', vars, createdAt: '2026-01-01T00:00:00', updatedAt: '2026-01-01T00:00:00' });

describe('state deltas of a transcript of plain messages', () => {
  it('rebuilds every save byte for byte, edits of old messages in place included', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.array(edit, { maxLength: 3 }), { minLength: 1, maxLength: 12 }), (shapes, steps) => {
        const messages: JsonValue[] = shapes.map((s, i) => message(i, s));
        const run = runOf({ messages });
        const tracker = new StateDeltaTracker<number>({ everySaves: 1000 });
        tracker.next(1, run);
        tracker.keyframeSaved(1, run, 1e9); // deltas never outgrow it here: every later save is one
        let rebuilt = parseJson(text(encodeRunState(run))) as JsonObject;
        for (const edits of steps) {
          for (const e of edits) applyEdit(messages, e);
          const next = tracker.next(1, run);
          expect(next.kind).toBe('delta');
          if (next.kind !== 'delta') return;
          rebuilt = applyStateDelta(rebuilt, next.text, 'test');
          expect(text(rebuilt)).toBe(text(encodeRunState(run)));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('finds an edit of an old message that every save before found unchanged', () => {
    const messages: JsonValue[] = Array.from({ length: 50 }, (_, i) => message(i, i));
    const run = runOf({ messages });
    const tracker = new StateDeltaTracker<number>();
    tracker.next(1, run);
    tracker.keyframeSaved(1, run, 1e9);
    for (let i = 0; i < 5; i++) expect(tracker.next(1, run)).toEqual({ kind: 'delta', text: '{"$delta":1}' });
    const delta = (): string => {
      const next = tracker.next(1, run);
      return next.kind === 'delta' ? next.text : next.kind;
    };
    const m = messages[10] as JsonObject;
    m['content'] = 'edited';
    expect(delta()).toBe('{"$delta":1,"p":{"o":{"vars":{"o":{"messages":{"a":50,"e":{"10":{"o":{"content":{"=":"edited"}}}}}}}}}}');
    m['seen'] = true;
    expect(delta()).toBe('{"$delta":1,"p":{"o":{"vars":{"o":{"messages":{"a":50,"e":{"10":{"o":{"seen":{"=":true}}}}}}}}}}');
    delete m['role'];
    m['role'] = 'user'; // moved last: same keys, another order
    expect(delta()).toBe('{"$delta":1,"p":{"o":{"vars":{"o":{"messages":{"a":50,"e":{"10":{"o":{},"k":["content","seen","role"]}}}}}}}}');
    ((messages[11] as JsonObject)['tool_calls'] as JsonValue[]).push('more');
    expect(delta()).toBe('{"$delta":1,"p":{"o":{"vars":{"o":{"messages":{"a":50,"e":{"11":{"o":{"tool_calls":{"a":1,"+":["more"]}}}}}}}}}}');
    for (let i = 0; i < 3; i++) expect(delta()).toBe('{"$delta":1}');
  });

  it('writes the same deltas in a process where code generation from strings is disallowed', () => {
    const tracker = fileURLToPath(new URL('./state-delta.ts', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'no-codegen-'));
    try {
      const script = join(dir, 'child.ts');
      writeFileSync(
        script,
        `import { StateDeltaTracker } from ${JSON.stringify(tracker)};
const messages = [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }];
const run = { runId: 'r', workflowId: 'w', status: 'running', currentNode: 'n', vars: { messages }, waiting: null, output: null, error: null,
  createdAt: 'x', updatedAt: 'y', actorId: null, sessionId: null, parentRunId: null };
const t = new StateDeltaTracker();
t.next(1, run);
t.keyframeSaved(1, run, 1e9);
const out = [];
const save = () => { const n = t.next(1, run); out.push(n.kind === 'delta' ? n.text : n.kind); };
save();
save();
messages[0].content = 'edited';
save();
let codegen = true;
try { new Function('return 1'); } catch { codegen = false; }
console.log(JSON.stringify({ codegen, out }));
`,
      );
      const child = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', script], { cwd: process.cwd(), encoding: 'utf8' });
      expect(child.stderr).toBe('');
      expect(JSON.parse(child.stdout)).toEqual({
        codegen: false,
        out: ['{"$delta":1}', '{"$delta":1}', '{"$delta":1,"p":{"o":{"vars":{"o":{"messages":{"a":2,"e":{"0":{"o":{"content":{"=":"edited"}}}}}}}}}}'],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
