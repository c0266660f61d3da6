import { encodeRunState, decodeRunState } from '../../core/codecs';
import { type RunState } from '../../core/models';
import { CorruptFileError } from '../../errors';
import { cloneJson, type JsonObject } from '../../json/json-value';
import { ParsedChunks, type ChunkReuse } from '../state-delta/chunks';
import { RebuiltStates, thawState } from '../state-delta/rebuilt-states';
import { applyStateDelta, isStateDeltaText } from '../state-delta/state-delta';
import { decodeCheckpointState, encodeChunkedState, type ChunkedEncodedState } from './checkpoint-state';
import { type RunKeys } from './run-keys';
import { readStateChain, type StateRow } from './state-chain';
import { type WorkspaceDb } from './workspace-db';

/** One saved state of a run: what `stateAt` and the Studio's step diff read. */
export interface CheckpointInfo {
  /** The run's ledger head seq when the state was saved (-1: before its first record). */
  seq: number;
  /** 0 for the state committed with record `seq`, then 1, 2, ... for later saves at the same head. (seq, n) is save order. */
  n: number;
  state: RunState;
}

/** A position in a run's list of checkpoints, for paging. */
export interface CheckpointCursor {
  seq: number;
  n: number;
}

type Found = StateRow;

/** How many deltas a rebuild applies between the states it keeps on the way (see decode). */
const KEEP_EVERY = 32;

// Max seq of a rowid range (`id = (run_key << 32) | seq`).
const MAX_SEQ = 0xffffffff;
const clampSeq = (seq: number): number => Math.min(seq, MAX_SEQ);

// States stored with a record: the last row at or before a seq (usually the first row read).
const IN_LEDGER = `SELECT seq, state, spills FROM ledger WHERE id > ((? << 32) + ?) AND id <= ((? << 32) + ?) AND state IS NOT NULL ORDER BY id DESC LIMIT 1`;
const IN_RUN_STATES = 'SELECT seq, n, state, spills FROM run_states WHERE run_key = ? AND seq <= ? ORDER BY seq DESC, n DESC LIMIT 1';
const PAGE_IN_LEDGER = `SELECT seq, state, spills FROM ledger WHERE id > ((? << 32) + ?) AND id < ((? + 1) << 32) AND state IS NOT NULL ORDER BY id LIMIT ?`;
const PAGE_IN_RUN_STATES = 'SELECT seq, n, state, spills FROM run_states WHERE run_key = ? AND (seq, n) > (?, ?) ORDER BY seq, n LIMIT ?';

/**
 * The run states saved after every commit (time travel), wherever they live (see schema-v1): in
 * the `state` column of the last record a commit appended, or in run_states for a save without
 * records. Both are append-only. Since migration 4 most rows hold a delta from the state saved
 * before (see schema-v4.ts): a state is rebuilt from the nearest full one at or before it.
 */
export class Checkpoints {
  /** States rebuilt from deltas, by `runKey:seq:n` (rows are append-only: a position names one state forever). */
  private readonly rebuilt = new RebuiltStates<string>();

  constructor(
    private readonly db: WorkspaceDb,
    private readonly keys: RunKeys,
  ) {}

  /** Chunks of chunked keyframes parsed already (frozen, shared by the states rebuilt from them), by sha256. */
  private readonly chunks = new ParsedChunks();

  /**
   * Encodes a keyframe for storing (call inside the commit's transaction): large lists are cut into
   * chunks in state_chunks, other large vars go to state_values; `reuse` names chunks still valid
   * (see StateDeltaTracker).
   */
  encode(run: RunState, reuse?: ReadonlyMap<string, ChunkReuse>): ChunkedEncodedState {
    return encodeChunkedState(
      run,
      {
        value: (sha, text) => this.db.stmt('INSERT OR IGNORE INTO state_values (sha256, text) VALUES (?, ?)').run(sha, text).changes > 0,
        chunk: (sha, text) => this.db.stmt('INSERT OR IGNORE INTO state_chunks (sha256, text) VALUES (?, ?)').run(sha, text).changes > 0,
      },
      reuse,
    );
  }

  /**
   * The state saved in row `found` of the run with key `runKey`: decoded, or rebuilt from the
   * nearest state before it that this connection rebuilt already (see RebuiltStates), else from
   * its keyframe. Rebuilt states are kept only outside a write transaction, whose rows could
   * still roll back (and free their run key for another run).
   */
  decode(runKey: number, found: Found, source: string): RunState {
    if (!isStateDeltaText(found.state)) return this.decodeOwn(found, source);
    const at = (r: Found): string => `${runKey}:${r.seq}:${r.n}`;
    const hit = this.rebuilt.get(at(found));
    if (hit) return decodeRunState(thawState(hit), source);
    const keep = !this.db.db.inTransaction;
    const chain = readStateChain(this.db, runKey, found.seq, found.n, keep ? (r) => this.rebuilt.has(at(r)) : undefined);
    if (!chain) throw new CorruptFileError(this.db.path, `${source} is a state delta with no full state before it`);
    let dict: JsonObject;
    if (chain.kept) {
      dict = this.rebuilt.get(at(chain.keyframe)) as JsonObject;
    } else {
      const k = chain.keyframe;
      dict = encodeRunState(this.decodeFull(k, `${source}, keyframe (${k.seq}, ${k.n})`));
      if (keep) this.rebuilt.put(at(k), dict, k.state.length + this.spilledBytes(k));
    }
    // On a kept (frozen) state each delta copies only what it touches; otherwise it edits in place.
    // Every KEEP_EVERY deltas the state on the way is kept too, so a later read anywhere in the
    // stretch just walked starts at most that many deltas before its target (keeping one costs a
    // walk of what changed since the last, and one copy of the arrays the next delta touches).
    let added = 0;
    for (let i = 0; i < chain.deltas.length; i++) {
      const d = chain.deltas[i] as Found;
      dict = applyStateDelta(dict, d.state, source);
      added += d.state.length;
      if (keep && (i + 1) % KEEP_EVERY === 0 && i + 1 < chain.deltas.length) {
        this.rebuilt.put(at(d), dict, added);
        added = 0;
      }
    }
    // Not kept: the deltas edited the dict in place, but its chunked lists' items are still shared.
    if (!keep) return decodeRunState(chain.kept || !chain.keyframe.spills?.includes('[') ? dict : thawState(dict), source);
    this.rebuilt.put(at(found), dict, added);
    return decodeRunState(thawState(dict), source);
  }

  /** The bytes of a full state's values spilled whole (what its text leaves out; chunks are counted by ParsedChunks, which holds them). */
  private spilledBytes(row: Found): number {
    if (!row.spills) return 0;
    let n = 0;
    for (const sha of Object.values(JSON.parse(row.spills) as Record<string, string | string[]>)) {
      if (typeof sha !== 'string') continue;
      n += (this.db.stmt('SELECT length(text) FROM state_values WHERE sha256 = ?', 'pluck').get(sha) as number | undefined) ?? 0;
    }
    return n;
  }

  /** A full state, its chunked lists' first items shared with ParsedChunks (frozen): for rebuilding from. */
  private decodeFull(row: Found, source: string): RunState {
    return decodeCheckpointState(row, (sha) => this.valueText(sha), source, (sha) => this.chunks.items(sha, () => this.chunkText(sha), source));
  }

  /** A full state the caller may edit: copied where it shares chunks. */
  private decodeOwn(row: Found, source: string): RunState {
    const run = this.decodeFull(row, source);
    return row.spills?.includes('[') ? decodeRunState(thawState(encodeRunState(run)), source) : run;
  }

  private chunkText(sha: string): string | null {
    const text = this.db.stmt('SELECT text FROM state_chunks WHERE sha256 = ?', 'pluck').get(sha);
    return typeof text === 'string' ? text : null;
  }

  private valueText(sha: string): string | null {
    const text = this.db.stmt('SELECT text FROM state_values WHERE sha256 = ?', 'pluck').get(sha);
    return typeof text === 'string' ? text : null;
  }

  /** The latest saved state of the run with this key at or before `seq`, undecoded, or null. */
  find(runKey: number, seq: number): Found | null {
    const s = clampSeq(seq);
    if (s < -1) return null;
    const extra = this.db.stmt(IN_RUN_STATES).get(runKey, s) as Found | undefined;
    // A state stored with a record wins only when it is later: after the record-less save's head.
    const from = extra ? extra.seq : -1;
    const withRecord = s >= 0 ? (this.db.stmt(IN_LEDGER).get(runKey, from, runKey, s) as Omit<Found, 'n'> | undefined) : undefined;
    if (withRecord) return { ...withRecord, n: 0 };
    return extra ?? null;
  }

  /** The state as of ledger seq `seq`: the latest checkpoint saved at or before it, or null. */
  stateAt(runId: string, seq: number): RunState | null {
    return this.db.read(() => {
      const key = this.keys.find(runId);
      const found = key === null ? null : this.find(key, seq);
      return key !== null && found ? this.decode(key, found, `checkpoint (${found.seq}, ${found.n}) of run ${runId}`) : null;
    });
  }

  /** The run's latest checkpoint (its current state and the ledger seq it was saved at), or null. */
  latest(runId: string): CheckpointInfo | null {
    return this.db.read(() => {
      const key = this.keys.find(runId);
      const found = key === null ? null : this.find(key, MAX_SEQ);
      return key !== null && found ? { seq: found.seq, n: found.n, state: this.decode(key, found, `checkpoint (${found.seq}, ${found.n}) of run ${runId}`) } : null;
    });
  }

  /** Checkpoints of a run in save order, after `after` (exclusive), at most `limit`. */
  list(runId: string, options: { after?: CheckpointCursor; limit?: number } = {}): CheckpointInfo[] {
    return this.db.read(() => {
      const key = this.keys.find(runId);
      const limit = Math.max(0, options.limit ?? 1000);
      if (key === null || limit === 0) return [];
      const after = options.after ?? { seq: -2, n: 0 };
      // A state stored with record s is (s, 0): it comes after the cursor when s > after.seq.
      const fromSeq = Math.max(-1, Math.min(after.seq, MAX_SEQ));
      const a = (this.db.stmt(PAGE_IN_LEDGER).all(key, fromSeq, key, limit) as Omit<Found, 'n'>[]).map((r) => ({ ...r, n: 0 }));
      const b = this.db.stmt(PAGE_IN_RUN_STATES).all(key, after.seq, after.n, limit) as Found[];
      const merged = [...a, ...b].sort((x, y) => x.seq - y.seq || x.n - y.n).slice(0, limit);
      return this.decodeInOrder(key, merged, runId);
    });
  }

  /**
   * States of consecutive rows (save order, nothing skipped): the first is rebuilt, each delta
   * after it is applied to the one before, so a page costs one rebuild plus its deltas.
   */
  private decodeInOrder(key: number, rows: readonly Found[], runId: string): CheckpointInfo[] {
    const out: CheckpointInfo[] = [];
    let dict: JsonObject | null = null;
    for (const r of rows) {
      const source = `checkpoint (${r.seq}, ${r.n}) of run ${runId}`;
      let state: RunState;
      if (dict && isStateDeltaText(r.state)) {
        dict = applyStateDelta(dict, r.state, source);
        state = decodeRunState(cloneJson(dict), source);
      } else {
        state = this.decode(key, r, source);
        dict = cloneJson(encodeRunState(state));
      }
      out.push({ seq: r.seq, n: r.n, state });
    }
    return out;
  }
}
