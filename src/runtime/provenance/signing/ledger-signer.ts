/**
 * Signs what the runtime commits, off the hot path. It listens to the runtime's events: records
 * (with their hashes) as they are committed, and run states as they are saved. It never signs
 * inside a commit: it notes the new head (a few field writes per record) and signs later, in a
 * batch, on the event loop's next turn.
 *
 * Policy (measured, see docs/audit-bundle.md): a checkpoint of the chain head, signed by the
 * host's key, whenever a run stops (waiting, completed, failed, cancelled), every `everyRecords`
 * records, and when records have waited `maxDelayMs` unsigned. The host's checkpoints of one
 * flush share one signature (a Merkle batch), so many short runs stay cheap. Optionally, records
 * are attested by the actor they name (a person answering a prompt signs a checkpoint at that
 * very record), and every record can get its own signature (per-record mode: measured too slow
 * to be the default).
 */
import { type StepRecord } from '../../core/models';
import { type RuntimeEvent, type RuntimeListener } from '../../core/runtime-events';
import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { type ParsedCheckpoint } from '../checkpoints/checkpoint';
import { type ChainCheckpointStore } from '../checkpoints/checkpoint-store';
import { type SigningKey } from '../keys/key-store';
import { ProvenanceError } from '../provenance-errors';
import { signRecordHash, type RecordSignatureSink } from './record-signature';
import { placeStoredRecords, type LedgerReader } from './signer-bootstrap';
import { loadLast, signAndStore } from './signer-flush';
import { hasWork, newRunState, type RunSigningState } from './signer-state';

export type { LedgerReader } from './signer-bootstrap';

export interface LedgerSignerOptions {
  /** The host's key: signs the periodic checkpoints. */
  key: SigningKey;
  checkpoints: ChainCheckpointStore;
  /** Reads a run's ledger when the signer meets a run mid-way (after a restart); any LedgerStore fits. */
  ledger?: LedgerReader | null;
  clock?: Clock;
  /** Checkpoint at least every this many records of a run (default 1000). */
  everyRecords?: number;
  /** No record stays unsigned much longer than this (default 2000 ms). */
  maxDelayMs?: number;
  /** A key of the actor a record names, to attest that record (e.g. the person who answered a prompt). */
  attest?: (record: StepRecord) => SigningKey | null | undefined;
  /** Per-record mode: every record's hash is signed and handed here. */
  recordSignatures?: RecordSignatureSink | null;
  /** Problems signing (a store that fails, a ledger that does not verify); signing goes on for other runs. */
  onError?: (error: Error, runId: string) => void;
}

const STOPPED = new Set(['waiting', 'completed', 'failed', 'cancelled']);
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export class LedgerSigner {
  private readonly runs = new Map<string, RunSigningState>();
  private readonly every: number;
  private readonly maxDelayMs: number;
  private readonly clock: Clock;
  private flushing: Promise<void> = Promise.resolve();
  private scheduled: NodeJS.Immediate | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The latest problems (at most 100), for diagnostics. */
  readonly errors: { runId: string; error: Error }[] = [];

  constructor(private readonly options: LedgerSignerOptions) {
    this.every = options.everyRecords ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 2000;
    this.clock = options.clock ?? systemClock;
    if (!Number.isInteger(this.every) || this.every < 1) throw new RangeError(`everyRecords must be a whole number >= 1 (got ${this.every})`);
  }

  /** Listens to a Runtime (or anything with its `onEvent`); returns the function that stops listening. */
  attach(source: { onEvent(listener: RuntimeListener): () => void }): () => void {
    return source.onEvent((event) => this.observe(event));
  }

  /** Takes note of one runtime event. Synchronous and cheap: the signing happens later. */
  observe(event: RuntimeEvent): void {
    if (event.type === 'records-appended') {
      const s = this.state(event.runId);
      for (const r of event.records) this.place(s, r);
    } else if (STOPPED.has(event.run.status)) {
      const s = this.state(event.run.runId);
      s.terminal = TERMINAL.has(event.run.status);
      if (s.unplaced.length > 0) s.wantCheckpoint = true;
      else if (s.seq > s.planned) this.plan(s, s.seq, s.head as string, this.options.key);
      this.soon();
    }
  }

  /** Signs everything pending and waits until it is stored. */
  flush(): Promise<void> {
    return this.serial(async () => void (await this.flushNow()));
  }

  /** Checkpoints the run's current head now (reading its ledger if this signer has not seen it); returns the run's last checkpoint. */
  checkpointNow(runId: string): Promise<ParsedCheckpoint | null> {
    return this.serial(async () => {
      const s = this.state(runId);
      if (s.seq < 0 && s.unplaced.length === 0 && this.options.ledger) {
        const last = (await this.options.ledger.list(runId)).at(-1);
        if (last) s.unplaced.push(last);
      }
      s.wantCheckpoint = true;
      const failed = await this.flushNow();
      const error = failed.get(runId);
      if (error) throw error;
      if (s.last === undefined) s.last = await loadLast(this.options.checkpoints, runId);
      return s.last;
    });
  }

  /** Runs with something still to sign. */
  get pendingRuns(): number {
    return [...this.runs.values()].filter(hasWork).length;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private state(runId: string): RunSigningState {
    let s = this.runs.get(runId);
    if (!s) this.runs.set(runId, (s = newRunState()));
    return s;
  }

  private place(s: RunSigningState, r: StepRecord): void {
    if (!r.recordHash) return; // an unchained ledger: nothing to vouch for
    if (s.unplaced.length === 0 && r.prevHash === null) this.accept(s, r, 0);
    else if (s.unplaced.length === 0 && s.seq >= 0 && r.prevHash === s.head) this.accept(s, r, s.seq + 1);
    else {
      s.unplaced.push(r);
      this.soon();
    }
  }

  /** A record at its seq: the new head, and what must be signed for it. */
  private accept(s: RunSigningState, r: StepRecord, seq: number): void {
    const hash = r.recordHash as string;
    s.seq = seq;
    s.head = hash;
    if (this.options.recordSignatures) s.recordSigs.push({ seq, hash });
    const attester = this.options.attest?.(r);
    if (attester) this.plan(s, seq, hash, attester);
    else if (seq - s.planned >= this.every) this.plan(s, seq, hash, this.options.key);
    if (s.since === null) {
      s.since = Date.now();
      this.arm();
    }
    if (s.pending.length > 0 || this.options.recordSignatures) this.soon();
  }

  private plan(s: RunSigningState, seq: number, head: string, key: SigningKey): void {
    s.pending.push({ seq, head, key });
    s.planned = seq;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.flushing.then(work);
    this.flushing = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private soon(): void {
    if (this.scheduled) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      void this.flush();
    });
  }

  /** The safety net for runs that neither stop nor reach `everyRecords`. */
  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const cutoff = Date.now() - this.maxDelayMs;
      let waiting = false;
      for (const s of this.runs.values()) {
        if (s.since !== null && s.since <= cutoff) s.wantCheckpoint = true;
        else if (s.since !== null) waiting = true;
      }
      void this.flush().then(() => waiting && this.arm());
    }, this.maxDelayMs);
    this.timer.unref();
  }

  /** One flush; returns the runs that failed, with their error (also reported). */
  private async flushNow(): Promise<Map<string, Error>> {
    const failed = new Map<string, Error>();
    const report = (error: Error, runId: string): void => {
      failed.set(runId, error);
      this.report(error, runId);
    };
    const ready: [string, RunSigningState][] = [];
    for (const [runId, s] of [...this.runs]) {
      if (!hasWork(s)) continue;
      try {
        await this.prepare(runId, s);
        ready.push([runId, s]);
      } catch (err) {
        report(err instanceof Error ? err : new Error(String(err)), runId);
      }
    }
    const signedAt = formatIsoTimestamp(this.clock.nowMicros());
    await signAndStore({ host: this.options.key, store: this.options.checkpoints, signedAt, report }, ready);
    for (const [runId, s] of ready) {
      if (s.seq <= s.signedSeq) s.since = null;
      if (s.terminal && !hasWork(s) && s.seq <= s.signedSeq) this.runs.delete(runId);
    }
    return failed;
  }

  /** Places records met mid-way, signs records (per-record mode), loads the last checkpoint. */
  private async prepare(runId: string, s: RunSigningState): Promise<void> {
    if (s.last === undefined) s.last = await loadLast(this.options.checkpoints, runId);
    s.signedSeq = Math.max(s.signedSeq, s.last?.claim.seq ?? -1);
    if (s.unplaced.length > 0) await this.bootstrap(runId, s);
    const sink = this.options.recordSignatures;
    if (sink) for (const item of s.recordSigs.splice(0)) await sink.putSignature(runId, item.seq, item.hash, signRecordHash(this.options.key, item.hash));
  }

  private async bootstrap(runId: string, s: RunSigningState): Promise<void> {
    const records = s.unplaced.splice(0);
    if (!this.options.ledger) throw new ProvenanceError('LEDGER_DOES_NOT_VERIFY', `Records of run ${runId} arrived mid-way and the signer has no ledger to place them: give it \`ledger\`.`);
    const { placed, headSeq, head } = await placeStoredRecords(this.options.ledger, runId, records, s.last ?? null);
    s.planned = Math.max(s.planned, s.signedSeq);
    for (const { record, seq } of placed) this.accept(s, record, seq);
    if (s.seq < headSeq) {
      s.seq = headSeq;
      s.head = head;
    }
  }

  private report(error: Error, runId: string): void {
    if (this.errors.length >= 100) this.errors.shift();
    this.errors.push({ runId, error });
    this.options.onError?.(error, runId);
  }
}
