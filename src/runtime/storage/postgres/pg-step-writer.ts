import { hostname } from 'node:os';
import { type RunState, type StepRecord } from '../../core/models';
import { encodeLedgerRecord } from '../sqlite/ledger-rows';
import { type PgDb, type PgQuery } from './pg-db';
import { PgWorkspaceStoreError } from './pg-errors';
import { type PgLeases } from './pg-leases';
import { PgChangeNotes } from './pg-change-notes';
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

/**
 * What a commit wrote of its run: the state text; its notifications, sent in it (`now`) or to be
 * sent at the end of the window (`later`); the token of the lease it ended with the run (`rest`).
 */
interface Wrote {
  text: string | null;
  rest?: number;
  notes?: { now: RunChange[]; later: RunChange[] };
}

export interface Head {
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

// The one-statement commit (migration 6, pg-commit-step-migration.ts, with migration 8's
// p_rest_token, pg-rest-lease-migration.ts): 38 parameters, in its order.
const COMMIT_STEP_SQL = `SELECT $S.commit_step(${Array.from({ length: 38 }, (_, i) => `$${i + 1}`).join(', ')})`;
/** SQLSTATE of commit_step's refusal (a head that moved, a lease not held): nothing was written. */
const REFUSED = 'AR409';

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
  ) {
    this.notes = new PgChangeNotes(db, channel);
  }

  /** Which notifications go out in a commit and which wait to go out together (see pg-change-notes.ts). */
  private readonly notes: PgChangeNotes;

  /** Sends the notifications still waiting for their window (before the workspace closes). */
  flushNotes(): Promise<void> {
    return this.notes.flush();
  }

  /** The head of each run as this open last committed or read it. */
  private readonly heads = new Map<string, Head>();

  async commit(run: RunState | null, records: readonly StepRecord[], origin: PgForkOrigin | null = null): Promise<void> {
    let chained: Chained[] | null;
    const wrote: Wrote = { text: null };
    try {
      await this.leases.resumeRested(touched(run, records));
      chained = await this.commitInOne(run, records, origin, wrote);
      chained ??= await this.db.tx((q) => this.commitIn(q, run, records, origin, wrote));
    } catch (err) {
      if (run) this.history.forget([run.runId]);
      for (const id of touched(run, records)) {
        this.heads.delete(id);
        this.leases.rememberState(id, null);
      }
      throw err;
    }
    if (run) this.leases.rememberState(run.runId, wrote.text);
    if (wrote.notes) this.notes.committed(wrote.notes.now, wrote.notes.later);
    if (run && wrote.rest !== undefined) this.leases.markRested(run.runId, wrote.rest);
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
    const wrote: Wrote[] = [];
    try {
      chained = await this.db.tx(async (q) => {
        const out: Chained[][] = [];
        wrote.length = 0; // a retried transaction starts again
        for (const s of steps) {
          const w: Wrote = { text: null };
          wrote.push(w);
          out.push(await this.commitIn(q, s.run, s.records, s.origin ?? null, w));
        }
        return out;
      });
    } catch (err) {
      this.history.forget(steps.flatMap((s) => (s.run ? [s.run.runId] : [])));
      for (const s of steps) for (const id of touched(s.run, s.records)) this.heads.delete(id);
      for (const s of steps) for (const id of touched(s.run, s.records)) this.leases.rememberState(id, null);
      throw err;
    }
    for (const s of steps) if (s.run) this.leases.rememberState(s.run.runId, null);
    for (const w of wrote) if (w.notes) this.notes.committed(w.notes.now, w.notes.later);
    steps.forEach((s, i) =>
      s.records.forEach((r, j) => {
        r.prevHash = chained[i]![j]!.prevHash;
        r.recordHash = chained[i]![j]!.recordHash;
      }),
    );
  }

  /** What this open knows of a run's head (from its own commits and loads): the head the one-statement commit expects. */
  remember(runId: string, head: Head): void {
    this.heads.set(runId, head);
  }

  /**
   * The step as one statement (commit_step): chained onto the heads this open last saw, which the
   * server checks and advances under the row lock. Null when the server refused it (a head
   * moved, a lease not held: nothing was written) or it cannot be tried (a lease known lost);
   * the caller then commits through the locking transaction, which reads the heads fresh and
   * raises the typed error when the lease is why.
   */
  private async commitInOne(run: RunState | null, records: readonly StepRecord[], origin: PgForkOrigin | null, wrote: Wrote): Promise<Chained[] | null> {
    const runIds = touched(run, records).sort();
    if (runIds.some((id) => this.leases.isLost(id))) return null;
    const before = new Map(runIds.map((id): [string, Head] => [id, this.heads.get(id) ?? { seq: -1, recordHash: null, saved: null }]));
    const after = new Map([...before].map(([id, h]): [string, Head] => [id, { ...h }]));
    const out: Chained[] = [];
    const l: unknown[][] = [[], [], [], [], [], [], []];
    for (const record of records) {
      const head = after.get(record.runId)!;
      const row = encodeLedgerRecord(record, head.recordHash);
      const seq = head.seq + 1;
      const cols = [record.runId, seq, row.canonical, row.recordHash, record.signature, row.keyOrder, record.status === 'completed' ? record.idempotencyKey : null];
      cols.forEach((v, i) => l[i]!.push(v));
      out.push({ prevHash: head.recordHash, recordHash: row.recordHash });
      after.set(record.runId, { ...head, seq, recordHash: row.recordHash });
    }
    let state: ReturnType<PgStateHistory['prepare']> | null = null;
    let runParams: unknown[] = Array.from({ length: 16 }, () => null);
    let fullText: string | null = null;
    const rest = run ? this.leases.restToken(run.runId, run.status) : null;
    if (run) {
      const text = encodeRunStateText(run);
      fullText = text;
      const head = after.get(run.runId)!;
      state = this.history.prepare(run, text, head.seq, records.some((r) => r.runId === run.runId), before.get(run.runId)!.saved);
      head.saved = state.at;
      const w = run.waiting;
      runParams = [
        state.at.seq, state.at.n, state.keyframe, state.text,
        run.runId, run.workflowId, run.status, w?.reason ?? null, w?.until ?? null, run.parentRunId, run.createdAt, run.updatedAt, text,
        origin?.runId ?? null, origin?.seq ?? null, origin?.headHash ?? null,
      ];
    }
    const col = (f: (h: Head) => unknown, from: Map<string, Head>): unknown[] => runIds.map((id) => f(from.get(id)!));
    const notes = this.notes.split(changesOf(run, runIds, after, this.leases));
    const params = [
      this.leases.ownerId, this.writerName, this.channel,
      runIds, runIds.map((id) => this.leases.tokenOf(id)),
      col((h) => h.seq, before), col((h) => h.recordHash, before), col((h) => h.saved?.seq ?? null, before), col((h) => h.saved?.n ?? null, before),
      col((h) => h.seq, after), col((h) => h.recordHash, after), col((h) => h.saved?.seq ?? null, after), col((h) => h.saved?.n ?? null, after),
      ...l, ...runParams,
      notes.now.map((c) => JSON.stringify(c)),
      rest,
    ];
    try {
      await this.db.query(COMMIT_STEP_SQL, params);
    } catch (err) {
      if (err instanceof PgWorkspaceStoreError && err.sqlState === REFUSED) {
        if (run) this.history.forget([run.runId]); // its tracked copy moved on to `run`: the retry writes a keyframe
        for (const id of runIds) this.heads.delete(id);
        return null;
      }
      throw err;
    }
    state?.saved();
    wrote.text = fullText;
    wrote.notes = notes;
    if (rest !== null) wrote.rest = rest;
    for (const [id, h] of after) this.heads.set(id, h);
    return out;
  }

  async commitIn(q: PgQuery, run: RunState | null, records: readonly StepRecord[], origin: PgForkOrigin | null, wrote: Wrote): Promise<Chained[]> {
    const runIds = touched(run, records);
    // Locked in a fixed order, so two multi-run commits cannot deadlock each other.
    const heads = new Map<string, Head>();
    const sorted = [...runIds].sort();
    for (const id of sorted) {
      const [row] = await q.query<{ seq: number; record_hash: string | null; state_seq: number | null; state_n: number | null }>(LOCK_HEAD_SQL, [id]);
      const saved = row!.state_seq === null || row!.state_n === null ? null : { seq: row!.state_seq, n: row!.state_n };
      heads.set(id, { seq: row!.seq, recordHash: row!.record_hash, saved });
    }
    // Heads, then the run row, then the leases: commit_step's order (migration 8), so no claim of
    // due runs (run row, then lease) can deadlock with this step.
    if (run) await q.query('SELECT 1 FROM $S.runs WHERE run_id = $1 FOR UPDATE', [run.runId]);
    for (const id of sorted) await this.leases.fence(q, id);
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
      wrote.text = text;
      const head = heads.get(run.runId)!;
      head.saved = await this.history.save(q, run, text, head.seq, records.some((r) => r.runId === run.runId), head.saved);
      await q.query(UPSERT_RUN_SQL, [
        run.runId, run.workflowId, run.status, w?.reason ?? null, w?.until ?? null, run.parentRunId, run.createdAt, run.updatedAt,
        text, origin?.runId ?? null, origin?.seq ?? null, origin?.headHash ?? null,
      ]);
      const rest = this.leases.restToken(run.runId, run.status);
      if (rest !== null) {
        await this.leases.rest(q, run.runId, rest);
        wrote.rest = rest;
      }
    }
    for (const id of runIds) {
      const h = heads.get(id)!;
      await q.query(SET_HEAD_SQL, [id, h.seq, h.recordHash, h.saved?.seq ?? null, h.saved?.n ?? null]);
    }
    // Delivered on commit only; one statement for every run the step touched (but those that wait for their window).
    const notes = this.notes.split(changesOf(run, runIds, heads, this.leases));
    if (notes.now.length > 0) await q.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [this.channel, notes.now.map((c) => JSON.stringify(c))]);
    wrote.notes = notes;
    // Remembered for the next one-statement commit (only once committed: the caller forgets them on a failure).
    for (const [id, h] of heads) this.heads.set(id, { ...h });
    return out;
  }
}

/** The runs a step touches: those of its records, then its run. */
function touched(run: RunState | null, records: readonly StepRecord[]): string[] {
  const runIds = [...new Set(records.map((r) => r.runId))];
  if (run && !runIds.includes(run.runId)) runIds.push(run.runId);
  return runIds;
}

function changesOf(run: RunState | null, runIds: readonly string[], heads: ReadonlyMap<string, Head>, leases: PgLeases): RunChange[] {
  return runIds.map((id): RunChange => {
    const mine = run && run.runId === id ? run : null;
    const until = mine?.status === 'waiting' && mine.waiting?.reason === 'until' ? mine.waiting.until : null;
    return { runId: id, status: mine?.status ?? null, until, headSeq: heads.get(id)!.seq, parentRunId: mine?.parentRunId ?? null, leased: leases.tokenOf(id) !== null };
  });
}
