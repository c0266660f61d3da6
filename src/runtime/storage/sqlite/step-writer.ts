import { type RunState, type StepRecord } from '../../core/models';
import { InvalidArgumentError } from '../../errors';
import { newPayloadTextMemo } from '../../ledger/record-hash';
import { CHUNKED_KEYFRAME_POLICY, StateDeltaTracker } from '../state-delta/state-delta';
import { type Checkpoints } from './checkpoints';
import { type CheckpointState } from './checkpoint-state';
import { encodeLedgerRecord } from './ledger-rows';
import { type RunKeys } from './run-keys';
import { runRowLags, type RunRowValues } from './run-rows';
import { RUN_RANGE } from './schema-v1';
import { type WorkspaceDb } from './workspace-db';

/** The last record of a run's chain: seq -1 and hash null for an empty ledger. */
export interface LedgerHead {
  seq: number;
  recordHash: string | null;
}

/** Where a forked run came from; written once, when the run is created. */
export interface ForkOrigin {
  runId: string;
  seq: number;
  headHash: string | null;
}

interface Chained {
  prevHash: string | null;
  recordHash: string;
}

/** A run's records are the rowids (run_key << 32) + seq: seq must fit in 32 bits. */
const MAX_SEQ = 0xffffffff;
const HEAD_SQL = `SELECT seq, record_hash FROM ledger WHERE ${RUN_RANGE} ORDER BY id DESC LIMIT 1`;
const INSERT_RECORD_SQL =
  'INSERT INTO ledger (id, seq, canonical, record_hash, signature, key_order, completed_key, state, spills) VALUES ((? << 32) + ?, ?, ?, ?, ?, ?, ?, ?, ?)';
// The common row (no signature, no spilled vars) binds seven values, not ten:
// better-sqlite3 pays ~0.2 µs per bound parameter, NULLs included.
const INSERT_LEAN_SQL = 'INSERT INTO ledger (id, seq, canonical, record_hash, key_order, completed_key, state) VALUES (?, ?, ?, ?, ?, ?, ?)';
/** Run keys up to this have rowids (key * 2^32 + seq) below 2^53, exact as JS numbers. */
const MAX_EXACT_KEY = 0x1fffff;
const INSERT_STATE_SQL = 'INSERT INTO run_states (run_key, seq, n, state, spills) VALUES (?, ?, ?, ?, ?)';
const LAST_N_SQL = 'SELECT max(n) FROM run_states WHERE run_key = ? AND seq = ?';
const RUN_ROW_SQL = 'SELECT workflow_id, status, wait_reason, wait_until, parent_run_id, created_at, updated_at FROM runs WHERE created_seq = ?';
const INSERT_RUN_SQL = `INSERT INTO runs (created_seq, run_id, workflow_id, status, wait_reason, wait_until, parent_run_id, created_at, updated_at,
  forked_from_run_id, forked_from_seq, forked_from_head_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
// Only the columns that changed are SET: SQLite rewrites every index that holds a SET column.
const TOUCH_RUN_SQL = 'UPDATE runs SET updated_at = ? WHERE created_seq = ?';
const UPDATE_RUN_SQL =
  'UPDATE runs SET workflow_id = ?, status = ?, wait_reason = ?, wait_until = ?, parent_run_id = ?, created_at = ?, updated_at = ? WHERE created_seq = ?';

function rowValues(run: RunState): RunRowValues {
  const w = run.waiting;
  return [run.workflowId, run.status, w?.reason ?? null, w?.until ?? null, run.parentRunId, run.createdAt, run.updatedAt];
}

function sameIndexed(a: RunRowValues, b: RunRowValues): boolean {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Makes a step durable: the records it produced are chained onto the run's head as it is *inside*
 * the transaction (so another process that appended in between is seen), the new state is stored
 * with the last of them (or in run_states when there is none), and the run's row is brought up to
 * date, all in one IMMEDIATE transaction. A crash or an error anywhere leaves none of it.
 */
export class StepWriter {
  /**
   * What this connection knows of each run (by key): its ledger head, its runs row, and the last
   * record-less save number at that head. They skip a query each (several µs) on the next commit.
   * Valid only while no other connection has committed since: SQLite's `data_version` changes
   * exactly then, so each transaction checks it first and forgets them when it moved. A failed
   * transaction forgets them too.
   */
  private readonly heads = new Map<number, LedgerHead>();
  private readonly rows = new Map<number, RunRowValues | null>();
  private readonly lastN = new Map<number, { seq: number; n: number }>();
  /** The last state saved of each run (by key), to store the next save as a delta (see schema-v4); keyframes are chunked (schema-v8). */
  private readonly deltas = new StateDeltaTracker<number>(CHUNKED_KEYFRAME_POLICY);
  private dataVersion = -1;

  constructor(
    private readonly db: WorkspaceDb,
    private readonly keys: RunKeys,
    private readonly checkpoints: Checkpoints,
  ) {}

  /** The head as stored (no cache): for readers. */
  head(runId: string): LedgerHead {
    const key = this.keys.find(runId);
    return key === null ? { seq: -1, recordHash: null } : this.storedHead(key);
  }

  /**
   * The head this connection's last commit left for the run, without a query: what a listener
   * told of that commit needs to know the seqs it wrote. Null when unknown (nothing written yet by
   * this connection, or forgotten since another connection committed).
   */
  writtenHead(runId: string): LedgerHead | null {
    const key = this.keys.find(runId);
    return key === null ? null : (this.heads.get(key) ?? null);
  }

  private storedHead(key: number): LedgerHead {
    const row = this.db.stmt(HEAD_SQL, 'raw').get(key, key) as [number, string] | undefined;
    return row ? { seq: row[0], recordHash: row[1] } : { seq: -1, recordHash: null };
  }

  /** The head inside a write transaction, from the cache when no one else wrote meanwhile. */
  private headForWrite(key: number): LedgerHead {
    const cached = this.heads.get(key);
    if (cached) return cached;
    const head = this.storedHead(key);
    this.heads.set(key, head);
    return head;
  }

  private checkCache(): void {
    const version = this.db.stmt('PRAGMA data_version', 'pluck').get() as number;
    if (version !== this.dataVersion) {
      this.forgetRuns();
      this.dataVersion = version;
    }
  }

  commit(run: RunState | null, records: readonly StepRecord[]): void {
    let chained: Chained[];
    try {
      chained = this.db.write('commit a step', () => this.commitInTransaction(run, records));
    } catch (err) {
      this.forget();
      throw err;
    }
    // Only now that it is committed does the caller's record carry its hashes (as the reference's
    // chained store does), so a failed commit leaves the caller's objects as they were.
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as StepRecord;
      const c = chained[i] as Chained;
      r.prevHash = c.prevHash;
      r.recordHash = c.recordHash;
    }
  }

  /** The body of `commit`, for a caller that holds the transaction already (fork); on failure it must call `forget`. */
  commitInTransaction(run: RunState | null, records: readonly StepRecord[], origin: ForkOrigin | null = null): Chained[] {
    this.checkCache();
    let withState = -1;
    if (run) for (let i = records.length - 1; i >= 0 && withState < 0; i--) if ((records[i] as StepRecord).runId === run.runId) withState = i;
    const insert = this.db.stmt(INSERT_RECORD_SQL);
    const insertLean = this.db.stmt(INSERT_LEAN_SQL);
    const out: Chained[] = [];
    // A step's started and completed records share their payload: written once (item 2 of issue 15).
    const payloads = records.length > 1 ? newPayloadTextMemo() : undefined;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as StepRecord;
      const key = this.keys.ensure(record.runId);
      const head = this.headForWrite(key);
      const row = encodeLedgerRecord(record, head.recordHash, payloads);
      const seq = head.seq + 1;
      if (seq > MAX_SEQ) throw new InvalidArgumentError(`Run ${record.runId} has 2^32 ledger records, the most a run can hold.`, { runId: record.runId });
      const completedKey = record.status === 'completed' ? record.idempotencyKey : null;
      const s = i === withState && run ? this.encodeSave(key, run) : null;
      if (key <= MAX_EXACT_KEY && record.signature === null && !s?.spills) {
        insertLean.run(key * 4294967296 + seq, seq, row.canonical, row.recordHash, row.keyOrder, completedKey, s?.state ?? null);
      } else {
        insert.run(key, seq, seq, row.canonical, row.recordHash, record.signature, row.keyOrder, completedKey, s?.state ?? null, s?.spills ?? null);
      }
      this.heads.set(key, { seq, recordHash: row.recordHash });
      out.push({ prevHash: head.recordHash, recordHash: row.recordHash });
    }
    if (run) {
      const key = this.keys.ensure(run.runId);
      if (withState < 0) this.saveWithoutRecord(key, this.encodeSave(key, run));
      this.saveRunRow(key, run, origin);
    }
    return out;
  }

  /** Drops what this connection remembers, after a failed transaction (which may have allocated run keys). */
  forget(): void {
    this.forgetRuns();
    this.keys.forget();
  }

  /** Drops what another connection's commit may have changed (run keys never change once committed). */
  private forgetRuns(): void {
    this.heads.clear();
    this.rows.clear();
    this.lastN.clear();
    this.deltas.forget();
  }

  /** The row to store for this save of the run: a delta from its last save, or a full keyframe. */
  private encodeSave(key: number, run: RunState): CheckpointState {
    const next = this.deltas.next(key, run);
    if (next.kind === 'delta') return { state: next.text, spills: null };
    const full = this.checkpoints.encode(run, next.reuse);
    this.deltas.keyframeSaved(key, run, full.bytes, full);
    return { state: full.state, spills: full.spills };
  }

  private saveWithoutRecord(key: number, state: CheckpointState): void {
    const seq = this.headForWrite(key).seq;
    let last = this.lastN.get(key);
    if (!last || last.seq !== seq) last = { seq, n: (this.db.stmt(LAST_N_SQL, 'pluck').get(key, seq) as number | null) ?? 0 };
    const n = last.n + 1;
    this.db.stmt(INSERT_STATE_SQL).run(key, seq, n, state.state, state.spills);
    this.lastN.set(key, { seq, n });
  }

  /** Brings the run's row up to date, writing only what changed (see schema-v1 for the one lag allowed). */
  private saveRunRow(key: number, run: RunState, origin: ForkOrigin | null): void {
    let stored = this.rows.get(key);
    if (stored === undefined) stored = (this.db.stmt(RUN_ROW_SQL, 'raw').get(key) as RunRowValues | undefined) ?? null;
    const next = rowValues(run);
    if (stored === null) {
      this.db
        .stmt(INSERT_RUN_SQL)
        .run(key, run.runId, ...next, origin?.runId ?? null, origin?.seq ?? null, origin?.headHash ?? null);
    } else if (!sameIndexed(stored, next)) {
      this.db.stmt(UPDATE_RUN_SQL).run(...next, key);
    } else if (stored[6] === next[6] || (run.status === 'running' && runRowLags(stored[6], next[6]))) {
      this.rows.set(key, stored);
      return; // the stored row stands (its updated_at may lag the state by < 100 ms)
    } else {
      this.db.stmt(TOUCH_RUN_SQL).run(next[6], key);
    }
    this.rows.set(key, next);
  }
}
