import { decodeRunState, encodeRunState } from '../../core/codecs';
import { type RunState } from '../../core/models';
import { cloneJson, type JsonObject } from '../../json/json-value';
import { applyStateDelta, isStateDeltaText, rebuildState, StateDeltaTracker, type KeyframePolicy } from '../state-delta';
import { type CheckpointCursor, type CheckpointInfo } from '../sqlite/checkpoints';
import { type PgDb, type PgQuery } from './pg-db';
import { PgWorkspaceCorruptError } from './pg-errors';
import { decodeRunStateText } from './pg-state-codec';

/** What the head row says of the run's last saved state (null: none yet). */
export interface SavedAt {
  seq: number;
  n: number;
}

interface Row {
  seq: number;
  n: number;
  keyframe: boolean;
  state: string;
}

// Largest seq a query compares with (the column is an integer).
const MAX_SEQ = 2_147_483_647;

const INSERT_SQL = 'INSERT INTO $S.run_states (run_id, seq, n, keyframe, state) VALUES ($1, $2, $3, $4, $5)';
const TARGET_SQL = 'SELECT seq, n FROM $S.run_states WHERE run_id = $1 AND seq <= $2 ORDER BY seq DESC, n DESC LIMIT 1';
// The rows that rebuild the state saved at ($2, $3): the nearest keyframe at or before it, then every delta up to it.
const CHAIN_SQL = `SELECT s.seq, s.n, s.keyframe, s.state FROM $S.run_states s
  WHERE s.run_id = $1 AND (s.seq, s.n) <= ($2, $3) AND (s.seq, s.n) >= (
    SELECT k.seq, k.n FROM $S.run_states k WHERE k.run_id = $1 AND k.keyframe AND (k.seq, k.n) <= ($2, $3) ORDER BY k.seq DESC, k.n DESC LIMIT 1)
  ORDER BY s.seq, s.n`;
const PAGE_SQL = 'SELECT seq, n, keyframe, state FROM $S.run_states WHERE run_id = $1 AND (seq, n) > ($2, $3) ORDER BY seq, n LIMIT $4';

/**
 * The run states of a PostgreSQL workspace, one per commit that saved a run (time travel): written
 * inside the step's transaction as a delta from the state saved before, or a keyframe (see
 * pg-state-history-migration.ts), and read back through the interface the SQLite workspace's
 * Checkpoints offers (`stateAt`, `latest`, `list`).
 */
export class PgStateHistory {
  // Keyed by run id: the state this process last saved of each run.
  private readonly tracker: StateDeltaTracker<string>;
  /** Where this process's tracked copy of each run was saved: a delta is written only onto that. */
  private readonly savedAt = new Map<string, SavedAt>();

  constructor(
    private readonly db: PgDb,
    policy?: KeyframePolicy,
  ) {
    this.tracker = new StateDeltaTracker<string>(policy);
  }

  /**
   * Stores `run`'s state inside the commit's transaction, the heads row locked. `last` is what
   * that row says was saved last, `seq` the run's head after this commit, `withRecords` whether
   * the commit appended records of the run. Returns where it was saved, for the heads row.
   */
  async save(q: PgQuery, run: RunState, fullText: string, seq: number, withRecords: boolean, last: SavedAt | null): Promise<SavedAt> {
    const row = this.prepare(run, fullText, seq, withRecords, last);
    await q.query(INSERT_SQL, [run.runId, row.at.seq, row.at.n, row.keyframe, row.text]);
    row.saved();
    return row.at;
  }

  /**
   * The row `save` would write, without writing it, for a commit that writes it itself (the
   * one-statement commit of pg-step-writer.ts). Call `saved()` once it is committed, or `forget`
   * the run when it is not: the tracked copy has already moved on to `run`.
   */
  prepare(run: RunState, fullText: string, seq: number, withRecords: boolean, last: SavedAt | null): { at: SavedAt; keyframe: boolean; text: string; saved: () => void } {
    const n = withRecords ? 0 : (last && last.seq === seq ? last.n : 0) + 1;
    const mine = this.savedAt.get(run.runId);
    // Someone else saved the run since (another worker, another open): my copy is not the state before.
    if (!mine || !last || mine.seq !== last.seq || mine.n !== last.n) this.tracker.forget(run.runId);
    const next = this.tracker.next(run.runId, run);
    const keyframe = next.kind === 'keyframe';
    return {
      at: { seq, n },
      keyframe,
      text: next.kind === 'keyframe' ? fullText : next.text,
      saved: () => {
        if (keyframe) this.tracker.keyframeSaved(run.runId, run, fullText.length);
        this.savedAt.set(run.runId, { seq, n });
      },
    };
  }

  /** After a failed commit: the tracked copies moved on with it, so they are dropped. */
  forget(runIds: readonly string[]): void {
    for (const id of runIds) {
      this.tracker.forget(id);
      this.savedAt.delete(id);
    }
  }

  /** The state as of ledger seq `seq`: the latest saved at or before it, or null. */
  async stateAt(runId: string, seq: number): Promise<RunState | null> {
    if (seq < -1) return null;
    return (await this.at(runId, Math.min(seq, MAX_SEQ)))?.state ?? null;
  }

  /** The run's latest saved state with where it was saved, or null. */
  async latest(runId: string): Promise<CheckpointInfo | null> {
    return this.at(runId, MAX_SEQ);
  }

  /** Saved states of a run in save order, after `after` (exclusive), at most `limit`. */
  async list(runId: string, options: { after?: CheckpointCursor; limit?: number } = {}): Promise<CheckpointInfo[]> {
    const limit = Math.max(0, options.limit ?? 1000);
    if (limit === 0) return [];
    const after = options.after ?? { seq: -2, n: 0 };
    const rows = await this.db.query<Row>(PAGE_SQL, [runId, Math.max(-2, Math.min(after.seq, MAX_SEQ)), after.n, limit]);
    const first = rows[0];
    if (!first) return [];
    // The first row is rebuilt from its keyframe; each one after it applies its delta to the one before.
    const start = first.keyframe ? [first] : await this.chain(runId, first.seq, first.n);
    return this.decodeInOrder(runId, [...start, ...rows.slice(1)]).slice(-rows.length);
  }

  private async at(runId: string, seq: number): Promise<CheckpointInfo | null> {
    const [target] = await this.db.query<{ seq: number; n: number }>(TARGET_SQL, [runId, seq]);
    if (!target) return null;
    const [keyframe, ...deltas] = await this.chain(runId, target.seq, target.n);
    const source = `${this.db.name}: state (${target.seq}, ${target.n}) of run ${runId}`;
    if (!keyframe || isStateDeltaText(keyframe.state)) throw this.noKeyframe(runId, target.seq, target.n);
    const state = rebuildState(decodeRunStateText(keyframe.state, `${source}, keyframe (${keyframe.seq}, ${keyframe.n})`), deltas.map((d) => d.state), source);
    return { seq: target.seq, n: target.n, state };
  }

  private async chain(runId: string, seq: number, n: number): Promise<Row[]> {
    const rows = await this.db.query<Row>(CHAIN_SQL, [runId, seq, n]);
    if (rows.length === 0) throw this.noKeyframe(runId, seq, n);
    return rows;
  }

  private noKeyframe(runId: string, seq: number, n: number): PgWorkspaceCorruptError {
    return new PgWorkspaceCorruptError(this.db.name, `the state of run ${runId} saved at (${seq}, ${n}) is a delta with no full state before it`, { runId, seq, n });
  }

  private decodeInOrder(runId: string, rows: readonly Row[]): CheckpointInfo[] {
    const out: CheckpointInfo[] = [];
    let dict: JsonObject | null = null;
    for (const r of rows) {
      const source = `${this.db.name}: state (${r.seq}, ${r.n}) of run ${runId}`;
      let state: RunState;
      if (!isStateDeltaText(r.state)) {
        state = decodeRunStateText(r.state, source);
        dict = cloneJson(encodeRunState(state));
      } else if (dict) {
        dict = applyStateDelta(dict, r.state, source);
        state = decodeRunState(cloneJson(dict), source);
      } else {
        throw this.noKeyframe(runId, r.seq, r.n);
      }
      out.push({ seq: r.seq, n: r.n, state });
    }
    return out;
  }
}
