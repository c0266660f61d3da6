import { RunLockedError } from '../../errors';
import { type RunLease } from '../run-store';
import { type PgDb, type PgQuery } from './pg-db';
import { LeaseLostError } from './pg-errors';

interface Held {
  token: number;
  /** Nested acquisitions (a worker's claim, then the runtime's own lease for a tick). */
  count: number;
  /** Set when a renewal found the lease gone: every later commit under it fails. */
  lost: string | null;
  /**
   * The run's state as this open last committed or read it while holding the lease: no one else
   * can commit the run meanwhile (the fence refuses them), so a load may answer from it.
   */
  state: string | null;
  /**
   * Set once a step that left the run terminal ended the lease in its commit (expired under this
   * token, migration 8): nothing is given back on release, and a later commit under it first
   * resumes it (see `resumeRested`).
   */
  rested: boolean;
}

const ACQUIRE_SQL = `INSERT INTO $S.leases AS l (run_id, owner_id, holder, token, expires_at)
  VALUES ($1, $2, $3, 1, clock_timestamp() + $4 * interval '1 millisecond')
  ON CONFLICT (run_id) DO UPDATE SET owner_id = excluded.owner_id, holder = excluded.holder, token = l.token + 1, expires_at = excluded.expires_at
  WHERE l.owner_id = excluded.owner_id OR l.expires_at <= clock_timestamp()
  RETURNING l.token`;
const RENEW_SQL = `UPDATE $S.leases SET expires_at = clock_timestamp() + $2 * interval '1 millisecond'
  WHERE owner_id = $1 AND run_id = ANY($3::text[]) AND expires_at > clock_timestamp() RETURNING run_id, token`;
// FOR SHARE: a takeover (an UPDATE of the row) waits until this commit is done, so no step can
// commit after its writer's lease was taken.
const FENCE_SQL = `SELECT owner_id, holder, token, expires_at > clock_timestamp() AS live FROM $S.leases WHERE run_id = $1 FOR SHARE`;

const RELEASE_SQL = `DELETE FROM $S.leases l USING unnest($2::text[], $3::bigint[]) AS u(run_id, token)
  WHERE l.run_id = u.run_id AND l.owner_id = $1 AND l.token = u.token`;
// The rows of leases that ended with their run's last step, still as that step left them (expired, nobody took them since).
const SWEEP_RESTED_SQL = `DELETE FROM $S.leases l USING unnest($2::text[], $3::bigint[]) AS u(run_id, token)
  WHERE l.run_id = u.run_id AND l.owner_id = $1 AND l.token = u.token AND l.expires_at <= clock_timestamp()`;
// A rested lease taken up again, only if its row is exactly as the resting step left it: anyone
// who took the run meanwhile changed the token or the owner (or deleted the row when done).
const RESUME_SQL = `UPDATE $S.leases SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
  WHERE run_id = $1 AND owner_id = $2 AND token = $3 RETURNING token`;
// In the locking transaction (the fallback of commit_step): what commit_step does for a terminal step.
const REST_SQL = 'UPDATE $S.leases SET expires_at = clock_timestamp() WHERE run_id = $1 AND owner_id = $2 AND token = $3';

// Due `wait_until` runs of the given workflows with no live lease, earliest due first, leased to
// the caller in the same statement. SKIP LOCKED: a run another claimer is leasing at this moment
// is left to it, so claimers running at once take different runs instead of racing for the same
// ones. A claimer whose snapshot missed a lease just committed finds it on the INSERT and gets
// nothing for that run (the lease is taken over only once expired). Each run taken comes with
// its state (the row locked FOR UPDATE: its newest version) and its chain head, what the claimer
// would read next: its drive starts from them without a round trip of its own; and whether the
// run has open requests (pending, or taken by a holder that may be gone), which it would look up
// before driving it.
const CLAIM_DUE_SQL = `WITH due AS (
    SELECT r.run_id, r.state, r.wait_until, r.created_seq FROM $S.runs r
    WHERE r.status = 'waiting' AND r.wait_reason = 'until' AND r.wait_until IS NOT NULL AND r.wait_until <= $1
      AND r.workflow_id = ANY($2::text[]) AND NOT (r.run_id = ANY($3::text[]))
      AND NOT EXISTS (SELECT 1 FROM $S.leases x WHERE x.run_id = r.run_id AND x.expires_at > clock_timestamp())
    ORDER BY r.wait_until, r.created_seq LIMIT $4
    FOR UPDATE OF r SKIP LOCKED
  ), taken AS (
    INSERT INTO $S.leases AS l (run_id, owner_id, holder, token, expires_at)
      SELECT run_id, $5, $6, 1, clock_timestamp() + $7 * interval '1 millisecond' FROM due
    ON CONFLICT (run_id) DO UPDATE SET owner_id = excluded.owner_id, holder = excluded.holder, token = l.token + 1, expires_at = excluded.expires_at
    WHERE l.expires_at <= clock_timestamp()
    RETURNING l.run_id, l.token
  )
  SELECT t.run_id, t.token, d.state, h.seq, h.record_hash, h.state_seq, h.state_n,
    (EXISTS (SELECT 1 FROM $S.run_requests q WHERE q.run_id = t.run_id AND q.status = 'pending')
      OR EXISTS (SELECT 1 FROM $S.run_requests q WHERE q.run_id = t.run_id AND q.status = 'taken')) AS asked
  FROM taken t JOIN due d ON d.run_id = t.run_id LEFT JOIN $S.heads h ON h.run_id = t.run_id
  ORDER BY d.wait_until, d.created_seq`;

/** A due run as its claim statement took it: the lease, and the run's state and chain head as they were. */
export interface ClaimedDue {
  runId: string;
  lease: RunLease;
  state: string;
  head: { seq: number; recordHash: string | null; stateSeq: number | null; stateN: number | null };
  /** Whether the run had open requests (pending or taken) when it was claimed. */
  openRequests: boolean;
}

/**
 * Leases of runs with an expiry and a fencing token. A holder renews its leases every third of
 * the TTL; a holder that dies (or stalls) stops renewing, and once its leases expire anyone may
 * take them (the token grows by one). An expired lease is never renewed: its holder has lost it
 * for good, whether or not someone took the run yet. Every commit checks, inside its transaction, that its writer still
 * holds the run under the token it was given (see `fence`).
 */
export class PgLeases {
  private readonly held = new Map<string, Held>();
  /** Releases waiting to be sent together, and the one on its way (see giveBack). */
  private batch: { items: [string, number][]; done: Promise<void> } | null = null;
  private inFlight: Promise<void> | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  /** Rested leases given up here whose rows wait to be deleted together (see sweepSoon). */
  private readonly restedRows: [string, number][] = [];
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: PgDb,
    readonly ownerId: string,
    readonly holder: string,
    readonly ttlMs: number,
  ) {}

  /** The fencing token this open holds on a run, or null. */
  tokenOf(runId: string): number | null {
    return this.held.get(runId)?.token ?? null;
  }

  /** True when a renewal found the lease on a run held by this open gone: every commit under it fails. */
  isLost(runId: string): boolean {
    return (this.held.get(runId)?.lost ?? null) !== null;
  }

  /** Keeps (or, with null, drops) the state text of a run this open holds, as committed or read under the lease. */
  rememberState(runId: string, text: string | null): void {
    const h = this.held.get(runId);
    if (h && !h.rested) h.state = text;
  }

  /** The state text of a run held under a lease not known lost nor rested, as this open last committed or read it; else null. */
  stateOf(runId: string): string | null {
    const h = this.held.get(runId);
    return h && h.lost === null && !h.rested ? h.state : null;
  }

  /**
   * The token under which a commit that leaves the run in `status` ends the lease with it: the
   * run terminal, its lease held here and not lost; else null (the lease stays until released).
   */
  restToken(runId: string, status: string): number | null {
    if (status !== 'completed' && status !== 'failed' && status !== 'cancelled') return null;
    const h = this.held.get(runId);
    return h && h.lost === null && !h.rested ? h.token : null;
  }

  /** The commit that was given `restToken` committed: the lease row is expired, nothing is left to give back. */
  markRested(runId: string, token: number): void {
    const h = this.held.get(runId);
    if (!h || h.token !== token) return;
    h.rested = true;
    h.state = null; // anyone may take the run now: a load reads it from the server
  }

  /** In the locking transaction: expires the lease with the step, as commit_step does given `restToken`. */
  async rest(q: PgQuery, runId: string, token: number): Promise<void> {
    await q.query(REST_SQL, [runId, this.ownerId, token]);
  }

  /**
   * Before a commit under a lease that rested (a run asked something after it ended): takes it up
   * again if nobody took the run meanwhile, else marks it lost (the commit then fails with
   * LEASE_LOST, as for a lease taken over: someone else may have moved the run).
   */
  async resumeRested(runIds: readonly string[]): Promise<void> {
    for (const id of runIds) {
      const h = this.held.get(id);
      if (!h || !h.rested || h.lost !== null) continue;
      const rows = await this.db.query<{ token: string }>(RESUME_SQL, [id, this.ownerId, h.token, this.ttlMs]);
      h.rested = false;
      if (rows.length === 0) h.lost = 'it ended with the run and was taken by someone else before this step';
    }
  }

  heldRunIds(): string[] {
    return [...this.held.keys()];
  }

  /** Takes the run's lease (or nests in the one held); throws RUN_LOCKED when another live holder has it. */
  async acquire(runId: string): Promise<RunLease> {
    const mine = this.held.get(runId);
    if (mine) {
      mine.count++;
    } else {
      const rows = await this.db.query<{ token: string }>(ACQUIRE_SQL, [runId, this.ownerId, this.holder, this.ttlMs]);
      if (rows.length === 0) {
        const h = await this.db.query<{ holder: string }>('SELECT holder FROM $S.leases WHERE run_id = $1', [runId]);
        throw new RunLockedError(runId, h[0]?.holder ?? 'another worker');
      }
      this.held.set(runId, { token: Number(rows[0]!.token), count: 1, lost: null, state: null, rested: false });
      this.armRenewal();
    }
    return this.handle(runId);
  }

  /**
   * Leases up to `limit` due `wait_until` runs (of `workflowIds`, not in `skip`) in one
   * statement, earliest due first; runs another holder has, or is taking right now, are left out.
   */
  async claimDue(query: { nowIso: string; workflowIds: readonly string[]; skip?: readonly string[]; limit: number }): Promise<ClaimedDue[]> {
    const skip = [...new Set([...(query.skip ?? []), ...this.held.keys()])];
    const rows = await this.db.query<{
      run_id: string; token: string; state: string; seq: number | null; record_hash: string | null; state_seq: number | null; state_n: number | null; asked: boolean;
    }>(CLAIM_DUE_SQL, [
      query.nowIso, query.workflowIds, skip, Math.max(0, query.limit), this.ownerId, this.holder, this.ttlMs,
    ]);
    if (rows.length === 0) return [];
    // The state read under the row lock, with the lease taken: nobody can commit the run since.
    for (const r of rows) this.held.set(r.run_id, { token: Number(r.token), count: 1, lost: null, state: r.state, rested: false });
    this.armRenewal();
    return rows.map((r) => ({
      runId: r.run_id,
      lease: this.handle(r.run_id),
      state: r.state,
      head: { seq: r.seq ?? -1, recordHash: r.record_hash, stateSeq: r.state_seq, stateN: r.state_n },
      openRequests: r.asked,
    }));
  }

  private handle(runId: string): RunLease {
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await this.releaseOne(runId);
      },
    };
  }

  private async releaseOne(runId: string): Promise<void> {
    const h = this.held.get(runId);
    if (!h || --h.count > 0) return;
    this.held.delete(runId);
    if (this.held.size === 0) this.disarmRenewal();
    if (this.db.isClosed) return;
    if (h.rested) {
      // Ended with the run's last step: expired already, anyone may take it; its row goes later.
      this.restedRows.push([runId, h.token]);
      this.sweepSoon();
      return;
    }
    await this.giveBack(runId, h.token);
  }

  /**
   * Deletes the rows of rested leases, once a second at most and all in one statement: they are
   * expired already, so this is housekeeping, not a release anyone waits for (a row left by a
   * process that died first is taken over or overwritten like any expired lease).
   */
  private sweepSoon(): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = null;
      this.sweep().catch(() => undefined); // left for the next sweep, or for whoever takes the run
    }, 1000);
    this.sweepTimer.unref();
  }

  private async sweep(): Promise<void> {
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    const rows = this.restedRows.splice(0);
    if (rows.length === 0 || this.db.isClosed) return;
    await this.db.query(SWEEP_RESTED_SQL, [this.ownerId, rows.map((r) => r[0]), rows.map((r) => r[1])]);
  }

  /**
   * Deletes the lease row (only under the token held). Releases asked while one is on its way
   * wait for it and then go together in one statement: one commit for the lot instead of one each
   * (a worker ending many runs at once, as when a batch of wake-ups completes).
   */
  private giveBack(runId: string, token: number): Promise<void> {
    if (!this.batch) {
      const items: [string, number][] = [];
      const done = (async (): Promise<void> => {
        await Promise.resolve(); // the callers of this tick join first
        while (this.inFlight) await this.inFlight.catch(() => undefined);
        this.batch = null; // later releases start the next batch
        if (this.db.isClosed) return;
        const flight = this.db
          .query(RELEASE_SQL, [this.ownerId, items.map((i) => i[0]), items.map((i) => i[1])])
          .then(() => undefined);
        this.inFlight = flight;
        try {
          await flight;
        } finally {
          if (this.inFlight === flight) this.inFlight = null;
        }
      })();
      this.batch = { items, done };
    }
    this.batch.items.push([runId, token]);
    return this.batch.done;
  }

  /**
   * Inside a commit's transaction: throws LEASE_LOST when this open held the run but no longer
   * does under its token (taken over, or expired), and RUN_LOCKED when it never held it and
   * another live holder does.
   */
  async fence(q: PgQuery, runId: string): Promise<void> {
    const rows = await q.query<{ owner_id: string; holder: string; token: string; live: boolean }>(FENCE_SQL, [runId]);
    const row = rows[0];
    const mine = this.held.get(runId);
    if (mine) {
      if (mine.lost !== null) throw new LeaseLostError(runId, mine.token, mine.lost);
      if (!row || row.owner_id !== this.ownerId || Number(row.token) !== mine.token) {
        throw new LeaseLostError(runId, mine.token, row ? `${row.holder} holds it now (token ${row.token})` : 'its lease row is gone');
      }
      if (!row.live) throw new LeaseLostError(runId, mine.token, 'it expired before this step could commit');
    } else if (row && row.live && row.owner_id !== this.ownerId) {
      throw new RunLockedError(runId, row.holder);
    }
  }

  /** Pushes the expiry of every lease held; marks the ones found lost, so no commit goes through under them. */
  async renew(): Promise<void> {
    const ids = [...this.held].filter(([, h]) => !h.rested).map(([id]) => id); // a rested lease is expired on purpose
    if (ids.length === 0 || this.db.isClosed) return;
    const rows = await this.db.query<{ run_id: string; token: string }>(RENEW_SQL, [this.ownerId, this.ttlMs, ids]);
    const kept = new Map(rows.map((r) => [r.run_id, Number(r.token)]));
    for (const id of ids) {
      const h = this.held.get(id);
      if (h && h.lost === null && kept.get(id) !== h.token) h.lost = 'it expired or was taken over before it could be renewed';
    }
  }

  private armRenewal(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => {
      this.renew().catch(() => undefined); // a missed renewal is retried; a lost lease shows at commit
    }, Math.max(50, Math.floor(this.ttlMs / 3)));
    this.renewTimer.unref();
  }

  private disarmRenewal(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
  }

  /** Gives back every lease of this open (on close). */
  async releaseAll(): Promise<void> {
    this.disarmRenewal();
    await this.sweep().catch(() => undefined);
    const ids = this.heldRunIds();
    this.held.clear();
    if (ids.length > 0 && !this.db.isClosed) await this.db.query('DELETE FROM $S.leases WHERE owner_id = $1 AND run_id = ANY($2::text[])', [this.ownerId, ids]);
  }
}
