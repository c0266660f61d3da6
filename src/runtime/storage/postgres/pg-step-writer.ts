import { hostname } from 'node:os';
import { type RunState, type StepRecord } from '../../core/models';
import { encodeLedgerRecord } from '../sqlite/ledger-rows';
import { type PgDb, type PgQuery } from './pg-db';
import { type PgLeases } from './pg-leases';
import { type RunChange } from './pg-notifications';
import { encodeRunStateText } from './pg-state-codec';
import { type PgStateHistory, type SavedAt } from './pg-state-history';

/** Where a forked run came from; written once, when the run is created. */
export interface PgForkOrigin {
  runId: string;
  seq: number;
  headHash: string | null;
}

interface Chained {
  prevHash: string | null;
  recordHash: string;
}

// Creates the head row on a run's first record and locks it either way: the lock is held to the
// end of the transaction, so the writers of one run queue here, each seeing the head its
// predecessor committed.
const LOCK_HEAD_SQL = `INSERT INTO $S.heads AS h (run_id, seq, record_hash) VALUES ($1, -1, NULL)
  ON CONFLICT (run_id) DO UPDATE SET seq = h.seq RETURNING seq, record_hash, state_seq, state_n`;
const SET_HEAD_SQL = 'UPDATE $S.heads SET seq = $2, record_hash = $3, state_seq = $4, state_n = $5 WHERE run_id = $1';

interface Head {
  seq: number;
  recordHash: string | null;
  /** Where the run's last state was saved (null: never). */
  saved: SavedAt | null;
}
const UPSERT_RUN_SQL = `INSERT INTO $S.runs (run_id, workflow_id, status, wait_reason, wait_until, parent_run_id, created_at, updated_at, state,
    forked_from_run_id, forked_from_seq, forked_from_head_hash)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
  ON CONFLICT (run_id) DO UPDATE SET workflow_id = excluded.workflow_id, status = excluded.status, wait_reason = excluded.wait_reason,
    wait_until = excluded.wait_until, parent_run_id = excluded.parent_run_id, created_at = excluded.created_at,
    updated_at = excluded.updated_at, state = excluded.state`;

/** `worker-id@host`: what every ledger row says about who wrote it. */
export function defaultWriterName(): string {
  return `pid-${process.pid}@${hostname()}`;
}

/**
 * Makes a step durable on PostgreSQL: in one transaction, for each run it touches, the run's
 * head row is locked and read, its writer's lease is checked (fencing), the records are chained
 * onto that head and inserted, the head is advanced, and the run's row (with its state) is
 * upserted. Two writers of one run can never fork its chain: the second waits for the head lock
 * and chains onto what the first committed. A failure anywhere leaves none of it.
 */
export class PgStepWriter {
  constructor(
    private readonly db: PgDb,
    private readonly leases: PgLeases,
    private readonly writerName: string,
    /** The NOTIFY channel each commit announces its runs on (see pg-notifications.ts). */
    private readonly channel: string,
    private readonly history: PgStateHistory,
  ) {}

  async commit(run: RunState | null, records: readonly StepRecord[], origin: PgForkOrigin | null = null): Promise<void> {
    let chained: Chained[];
    try {
      chained = await this.db.tx((q) => this.commitIn(q, run, records, origin));
    } catch (err) {
      if (run) this.history.forget([run.runId]);
      throw err;
    }
    // Only now that it is committed does the caller's record carry its hashes (as the SQLite
    // workspace does), so a failed commit leaves the caller's objects as they were.
    records.forEach((r, i) => {
      r.prevHash = chained[i]!.prevHash;
      r.recordHash = chained[i]!.recordHash;
    });
  }

  /** Many steps in one transaction, each as `commit` would write it (with its fork origin): for imports and copies. */
  async commitMany(steps: readonly { run: RunState | null; records: readonly StepRecord[]; origin?: PgForkOrigin | null }[]): Promise<void> {
    let chained: Chained[][];
    try {
      chained = await this.db.tx(async (q) => {
        const out: Chained[][] = [];
        for (const s of steps) out.push(await this.commitIn(q, s.run, s.records, s.origin ?? null));
        return out;
      });
    } catch (err) {
      this.history.forget(steps.flatMap((s) => (s.run ? [s.run.runId] : [])));
      throw err;
    }
    steps.forEach((s, i) =>
      s.records.forEach((r, j) => {
        r.prevHash = chained[i]![j]!.prevHash;
        r.recordHash = chained[i]![j]!.recordHash;
      }),
    );
  }

  async commitIn(q: PgQuery, run: RunState | null, records: readonly StepRecord[], origin: PgForkOrigin | null): Promise<Chained[]> {
    const runIds = [...new Set(records.map((r) => r.runId))];
    if (run && !runIds.includes(run.runId)) runIds.push(run.runId);
    // Locked in a fixed order, so two multi-run commits cannot deadlock each other.
    const heads = new Map<string, Head>();
    for (const id of [...runIds].sort()) {
      const [row] = await q.query<{ seq: number; record_hash: string | null; state_seq: number | null; state_n: number | null }>(LOCK_HEAD_SQL, [id]);
      await this.leases.fence(q, id);
      const saved = row!.state_seq === null || row!.state_n === null ? null : { seq: row!.state_seq, n: row!.state_n };
      heads.set(id, { seq: row!.seq, recordHash: row!.record_hash, saved });
    }
    const out: Chained[] = [];
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const record of records) {
      const head = heads.get(record.runId)!;
      const row = encodeLedgerRecord(record, head.recordHash);
      const seq = head.seq + 1;
      const completedKey = record.status === 'completed' ? record.idempotencyKey : null;
      const b = values.length;
      tuples.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8})`);
      values.push(record.runId, seq, row.canonical, row.recordHash, record.signature, row.keyOrder, completedKey, this.writerName);
      heads.set(record.runId, { ...head, seq, recordHash: row.recordHash });
      out.push({ prevHash: head.recordHash, recordHash: row.recordHash });
    }
    if (tuples.length > 0) {
      await q.query(
        `INSERT INTO $S.ledger (run_id, seq, canonical, record_hash, signature, key_order, completed_key, written_by) VALUES ${tuples.join(', ')}`,
        values,
      );
    }
    if (run) {
      const w = run.waiting;
      const text = encodeRunStateText(run);
      const head = heads.get(run.runId)!;
      head.saved = await this.history.save(q, run, text, head.seq, records.some((r) => r.runId === run.runId), head.saved);
      await q.query(UPSERT_RUN_SQL, [
        run.runId, run.workflowId, run.status, w?.reason ?? null, w?.until ?? null, run.parentRunId, run.createdAt, run.updatedAt,
        text, origin?.runId ?? null, origin?.seq ?? null, origin?.headHash ?? null,
      ]);
    }
    const written = new Set(records.map((r) => r.runId));
    if (run) written.add(run.runId);
    for (const id of written) {
      const h = heads.get(id)!;
      await q.query(SET_HEAD_SQL, [id, h.seq, h.recordHash, h.saved?.seq ?? null, h.saved?.n ?? null]);
    }
    // Delivered on commit only; one statement for every run the step touched.
    const changes = runIds.map((id): RunChange => {
      const mine = run && run.runId === id ? run : null;
      const until = mine?.status === 'waiting' && mine.waiting?.reason === 'until' ? mine.waiting.until : null;
      return { runId: id, status: mine?.status ?? null, until, headSeq: heads.get(id)!.seq };
    });
    await q.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [this.channel, changes.map((c) => JSON.stringify(c))]);
    return out;
  }
}
