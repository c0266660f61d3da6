/**
 * Chunked keyframes (chunks.ts) with the tracker saying which chunks still hold a list's first
 * items: for random runs of saves (lists grown, shrunk, cut at the front, old items edited in
 * place or replaced, a list replaced by another value, removed and added back), with a keyframe
 * every few saves that reuses the chunks the tracker vouches for, every save rebuilt from its
 * keyframe's chunks (parsed once, frozen, shared) and the deltas after it gives exactly the text of
 * the state that save stored. A wrongly reused chunk would show as a different text.
 */
import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeRunState } from '../../core/codecs';
import { type RunState } from '../../core/models';
import { JsonNumber } from '../../json/json-number';
import { cloneJson, isJsonObject, orderedKeys, setKeyOrder, type JsonObject, type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { chunkList, ParsedChunks, type ChunkRef } from './chunks';
import { applyStateDelta, StateDeltaTracker, type NextSave } from './state-delta';
import { makeRun } from '../testing/store-contract';

const text = (v: JsonValue): string => pyJsonDumps(v, { separators: [',', ':'] });
const CHUNK = 48; // bytes: a chunk of two or three items

const item: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.string({ maxLength: 20, unit: 'binary' }) }).map((o) => o as JsonObject),
  fc.constantFrom<JsonValue>(new JsonNumber('1.0'), 2n ** 64n, 'ü😀', null, -0),
  fc.string({ maxLength: 30 }),
);

type Edit = { kind: 'push' | 'editOld' | 'replaceOld' | 'shrink' | 'cutFront' | 'replaceList' | 'remove' | 'other'; at: number; value: JsonValue; n: number; list: 'messages' | 'log' };
const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('push', 'push', 'push', 'editOld', 'replaceOld', 'shrink', 'cutFront', 'replaceList', 'remove', 'other'),
  at: fc.nat(),
  value: item,
  n: fc.integer({ min: 1, max: 4 }),
  list: fc.constantFrom('messages', 'log'),
});

function applyEdit(vars: JsonObject, e: Edit): void {
  const list = vars[e.list];
  if (e.kind === 'other') {
    vars['turn'] = e.at;
    return;
  }
  if (e.kind === 'remove') {
    if (Object.hasOwn(vars, e.list)) {
      const keys = orderedKeys(vars).filter((k) => k !== e.list);
      delete vars[e.list];
      setKeyOrder(vars, keys);
    }
    return;
  }
  if (e.kind === 'replaceList' || !Array.isArray(list)) {
    const fresh = !Object.hasOwn(vars, e.list);
    vars[e.list] = e.kind === 'replaceList' && e.n === 1 ? cloneJson(e.value) : Array.from({ length: e.n * 3 }, () => cloneJson(e.value));
    if (fresh) setKeyOrder(vars, [...orderedKeys(vars).filter((k) => k !== e.list), e.list]);
    return;
  }
  if (e.kind === 'push' || list.length === 0) {
    for (let i = 0; i < e.n; i++) list.push(cloneJson(e.value));
  } else if (e.kind === 'shrink') {
    list.length = Math.max(0, list.length - e.n);
  } else if (e.kind === 'cutFront') {
    list.splice(0, e.n);
  } else {
    const i = e.at % list.length;
    const old = list[i] as JsonValue;
    // In place: the same object, one field changed (what a frozen copy or a reference check would miss).
    if (e.kind === 'editOld' && isJsonObject(old)) old['content'] = `${String(old['content'])}!`;
    else list[i] = cloneJson(e.value);
  }
}

const runOf = (vars: JsonObject): RunState => makeRun({ runId: 'r', workflowId: 'w', currentNode: 'n', vars, createdAt: '2026-01-01T00:00:00', updatedAt: '2026-01-01T00:00:00' });

type Row = { kind: 'keyframe'; text: string; chunks: Map<string, string[]> } | { kind: 'delta'; text: string };

/** A store in memory: keyframes cut their lists into chunks (reusing those the tracker names), deltas as text. */
class MemoryStore {
  readonly chunks = new Map<string, string>();
  readonly rows: Row[] = [];
  readonly expected: string[] = [];
  reusedChunks = 0;
  readonly tracker = new StateDeltaTracker<number>({ everySaves: 1000, cheapEvery: 3 });

  save(run: RunState): NextSave {
    const next = this.tracker.next(1, run);
    this.expected.push(text(encodeRunState(run)));
    if (next.kind === 'delta') {
      this.rows.push(next);
      return next;
    }
    const dict = encodeRunState(run);
    const vars = cloneJson(dict['vars'] as JsonObject);
    const chunked = new Map<string, ChunkRef[]>();
    const shas = new Map<string, string[]>();
    let stored = 0;
    let outside = 0;
    for (const k of orderedKeys(run.vars)) {
      const v = run.vars[k] as JsonValue;
      if (!Array.isArray(v)) continue;
      const reuse = next.reuse?.get(k);
      this.reusedChunks += reuse?.chunks.length ?? 0;
      const list = chunkList(v, reuse, (sha, t) => {
        expect(hash('sha256', t, 'hex')).toBe(sha);
        const fresh = !this.chunks.has(sha);
        this.chunks.set(sha, t);
        return fresh;
      }, CHUNK);
      if (list.chunks.length === 0) continue;
      expect(list.bytes).toBe(text(v).length);
      vars[k] = cloneJson(v.slice(list.tailFrom));
      chunked.set(k, list.chunks);
      shas.set(k, list.chunks.map((c) => c.sha256));
      stored += list.restoredBytes;
      outside += list.bytes;
    }
    const row = text({ ...dict, vars });
    this.rows.push({ kind: 'keyframe', text: row, chunks: shas });
    this.tracker.keyframeSaved(1, run, row.length + outside, { storedBytes: stored + row.length, chunks: chunked });
    return next;
  }

  /** Rebuilds save `i` from the keyframe at or before it, sharing parsed chunks between rebuilds. */
  rebuild(i: number, parsed: ParsedChunks): string {
    let k = i;
    while ((this.rows[k] as Row).kind !== 'keyframe') k--;
    const kf = this.rows[k] as Extract<Row, { kind: 'keyframe' }>;
    let dict = parseJson(kf.text) as JsonObject;
    const vars = dict['vars'] as JsonObject;
    for (const [name, shas] of kf.chunks) {
      const items: JsonValue[] = [];
      for (const sha of shas) items.push(...(parsed.items(sha, () => this.chunks.get(sha) ?? null, 'test') ?? []));
      items.push(...(vars[name] as JsonValue[]));
      vars[name] = items;
    }
    for (let j = k + 1; j <= i; j++) dict = applyStateDelta(dict, (this.rows[j] as Row).text, 'test');
    return text(dict);
  }
}

describe('chunked keyframes', () => {
  it('rebuilds every save byte for byte from shared chunks and the deltas after them', () => {
    let reused = 0;
    fc.assert(
      fc.property(fc.array(fc.array(edit, { maxLength: 3 }), { minLength: 1, maxLength: 25 }), (steps) => {
        const vars: JsonObject = { messages: [], turn: 0 };
        const run = runOf(vars);
        const store = new MemoryStore();
        store.save(run);
        for (const edits of steps) {
          for (const e of edits) applyEdit(vars, e);
          store.save(run);
        }
        const parsed = new ParsedChunks();
        // In a scrambled order, so chunks parsed for one keyframe are found again by another.
        const order = store.expected.map((_, i) => i).sort((a, b) => ((a * 7919) % 13) - ((b * 7919) % 13) || a - b);
        for (const i of order) expect(store.rebuild(i, parsed)).toBe(store.expected[i]);
        reused += store.reusedChunks;
      }),
      { numRuns: 1500 },
    );
    expect(reused).toBeGreaterThan(300); // the runs did reuse chunks, so reuse is what was checked
  });

  it('a keyframe of a list that only grew serialises and stores only what came after its last cut', () => {
    const messages: JsonValue[] = [];
    const run = runOf({ messages });
    const store = new MemoryStore();
    for (let i = 0; i < 200; i++) {
      messages.push({ role: 'user', content: `message ${i}` });
      store.save(run);
    }
    const keyframes = store.rows.filter((r) => r.kind === 'keyframe');
    expect(keyframes.length).toBeGreaterThan(20); // frequent: every few saves
    expect(store.reusedChunks).toBeGreaterThan(500);
    // Each message is in one chunk: the chunks hold the transcript once, not once per keyframe.
    const chunkBytes = [...store.chunks.values()].reduce((n, t) => n + t.length, 0);
    expect(chunkBytes).toBeLessThan(text(messages).length * 1.1);
    const parsed = new ParsedChunks();
    for (let i = 0; i < store.expected.length; i++) expect(store.rebuild(i, parsed)).toBe(store.expected[i]);
  });

  it('an in-place edit of an old message makes the next keyframe cut its chunk again', () => {
    const messages: JsonObject[] = Array.from({ length: 30 }, (_, i) => ({ role: 'user', content: `m${i} ${'x'.repeat(20)}` }));
    const run = runOf({ messages });
    const store = new MemoryStore();
    const grow = (n: number): void => {
      for (let i = 0; i < n; i++) {
        messages.push({ role: 'user', content: `m${messages.length} ${'x'.repeat(20)}` });
        store.save(run);
      }
    };
    grow(60); // a keyframe, deltas, chunked keyframes
    const before = store.rows.filter((r) => r.kind === 'keyframe').length;
    (messages[1] as JsonObject)['content'] = 'edited in place';
    grow(60);
    expect(store.rows.filter((r) => r.kind === 'keyframe').length).toBeGreaterThan(before);
    const parsed = new ParsedChunks();
    for (let i = 0; i < store.expected.length; i++) expect(store.rebuild(i, parsed)).toBe(store.expected[i]);
    const last = store.rows.filter((r) => r.kind === 'keyframe').at(-1) as Extract<Row, { kind: 'keyframe' }>;
    const texts = (last.chunks.get('messages') ?? []).map((sha) => store.chunks.get(sha) ?? '');
    expect(texts.some((t) => t.includes('edited in place'))).toBe(true);
    expect(texts.some((t) => t.includes('"m1 '))).toBe(false);
  });
});
