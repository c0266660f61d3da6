import { hash } from 'node:crypto';
import { type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { StatePatchError } from './apply-patch';
import { ByteLru } from './byte-lru';
import { freezeState } from './rebuilt-states';

/**
 * Chunked keyframes: a keyframe's large lists (a transcript) stored as runs of items, each run (a
 * chunk) stored once under the sha256 of its text. Two keyframes of a list that only grew share
 * every chunk but the last ones, so keyframes can be frequent (a rebuild applies few deltas)
 * without the file holding the list again at each one, and a reader that parsed a chunk once
 * (ParsedChunks) does not parse it again for the next keyframe.
 *
 * A chunk's text is the compact Python-style JSON of its items as a list (`[a,b,c]`): the list's
 * own text is `[` + the items' texts joined by `,` + `]`, so the items parsed back from the chunks,
 * in order, then the items of the tail the keyframe keeps inline, give the same text byte for byte.
 *
 * Chunks are cut greedily from the start: a chunk closes after the item that brings its text to at
 * least CHUNK_BYTES. The cut depends only on the items since the last cut, so the chunks of an
 * unchanged prefix come out the same whichever writer cuts them; the items after the last cut (the
 * tail, under CHUNK_BYTES) stay inline in the keyframe's own text.
 */
export const CHUNK_BYTES = 32 * 1024;

const COMPACT = { separators: [',', ':'] as [string, string] };

/** One chunk of a list: its sha256 (of its text), how many items it holds and its text's length. */
export interface ChunkRef {
  readonly sha256: string;
  readonly items: number;
  readonly bytes: number;
}

/** A list cut into chunks: the chunks, where the inline tail starts, and sizes. */
export interface ChunkedList {
  chunks: ChunkRef[];
  /** Index of the first item not in a chunk (the tail, kept inline). */
  tailFrom: number;
  /** The length of the whole list's text. */
  bytes: number;
  /** The bytes of the chunks `store` said it stored (new ones, not already there). */
  storedBytes: number;
  /** Of those, the bytes of items before `freshFrom`: items stored again, not just appended (an edit, a cut at the front). */
  restoredBytes: number;
}

/** What a store may reuse of a list's last keyframe: chunks still holding its first items, and where the items appended since begin. */
export interface ChunkReuse {
  readonly chunks: readonly ChunkRef[];
  /** The items from this index on were appended since the last keyframe (its deltas carried them already). */
  readonly freshFrom: number;
}

/**
 * Cuts `items` into chunks, starting with `reused` (chunks of a previous cut known to hold exactly
 * the first items of `items`, unchanged: the caller vouches for it, see StateDeltaTracker), and
 * serialising only the items after them. `store(sha256, text)` must keep the text under that sha
 * (insert-or-ignore) and say whether it was new. Items from `freshFrom` on count as appended (not
 * in `restoredBytes`). `chunkBytes` is for tests (small chunks).
 */
export function chunkList(
  items: readonly JsonValue[],
  reuse: ChunkReuse | undefined,
  store: (sha256: string, text: string) => boolean,
  chunkBytes: number = CHUNK_BYTES,
): ChunkedList {
  const reused = reuse?.chunks ?? [];
  const freshFrom = reuse?.freshFrom ?? items.length;
  const chunks: ChunkRef[] = [];
  let covered = 0;
  let itemBytes = 0; // the items' texts, separators left out
  for (const c of reused) {
    if (covered + c.items > items.length) break;
    chunks.push(c);
    covered += c.items;
    itemBytes += c.bytes - 1 - c.items; // "[" + items + (items - 1) commas + "]"
  }
  let storedBytes = 0;
  let restoredBytes = 0;
  let tailFrom = covered;
  let parts: string[] = [];
  let partBytes = 1;
  let oldBytes = 0; // of the items in `parts` before freshFrom
  for (let i = covered; i < items.length; i++) {
    const text = pyJsonDumps(items[i] as JsonValue, COMPACT);
    itemBytes += text.length;
    parts.push(text);
    partBytes += text.length + 1;
    if (i < freshFrom) oldBytes += text.length + 1;
    if (partBytes >= chunkBytes) {
      const chunk = `[${parts.join(',')}]`;
      const sha256 = hash('sha256', chunk, 'hex');
      if (store(sha256, chunk)) {
        storedBytes += chunk.length;
        restoredBytes += oldBytes;
      }
      oldBytes = 0;
      chunks.push({ sha256, items: parts.length, bytes: chunk.length });
      parts = [];
      partBytes = 1;
      tailFrom = i + 1;
    }
  }
  return { chunks, tailFrom, bytes: 2 + itemBytes + Math.max(0, items.length - 1), storedBytes, restoredBytes };
}

/** The chunks of a prefix of `chunks` that hold only items before `clean` (those unchanged since they were cut). */
export function cleanPrefix(chunks: readonly ChunkRef[], clean: number): ChunkRef[] {
  const out: ChunkRef[] = [];
  let end = 0;
  for (const c of chunks) {
    end += c.items;
    if (end > clean) break;
    out.push(c);
  }
  return out;
}

/**
 * Chunks parsed already, by sha256: deep-frozen item lists (shared by every state rebuilt from
 * them; callers copy what they hand out), least recently used dropped past `maxBytes` of text.
 */
export class ParsedChunks {
  private readonly parsed: ByteLru<string, readonly JsonValue[]>;

  constructor(maxBytes: number = 64 * 1024 * 1024) {
    this.parsed = new ByteLru({ maxBytes });
  }

  /** The items of chunk `sha256`, parsed from `load()` (its stored text, or null when missing) if not kept. */
  items(sha256: string, load: () => string | null, source: string): readonly JsonValue[] | null {
    const hit = this.parsed.get(sha256);
    if (hit) return hit;
    const text = load();
    if (text === null) return null;
    const items = parseJson(text, { source: `${source} chunk ${sha256}` });
    if (!Array.isArray(items)) throw new StatePatchError(source, `chunk ${sha256} is not a list`);
    freezeState(items);
    this.parsed.put(sha256, items, text.length);
    return items;
  }

  clear(): void {
    this.parsed.clear();
  }

  get size(): number {
    return this.parsed.size;
  }
}
