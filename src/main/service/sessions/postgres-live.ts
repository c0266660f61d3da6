import { type StepRecord } from '../../../runtime/index';
import { formatIsoTimestamp, parseIsoTimestamp } from '../../../runtime/json/timestamp';
import { type PostgresWorkspace, type RunChange } from '../../../runtime/storage/postgres/index';
import { LEDGER_EVENT_ENTRIES } from '../../../shared/contract/events';
import { type LiveChange } from './session-capabilities';

/** How often the runs changed since the last look are read, for the notifications that were missed. */
export const PG_FALLBACK_POLL_MS = 2000;

/**
 * How far behind the newest stamp the poll reads again: stamps are the writers' clocks, and a
 * worker whose clock is behind another's writes rows older than the newest seen. Rows already
 * announced are skipped by their stamp, so the overlap costs a read, not an event.
 */
const CLOCK_SKEW_MICROS = 60_000_000;

/**
 * What other processes commit to a PostgreSQL workspace, as the Studio announces it: each
 * notification (LISTEN/NOTIFY, one per run a commit changed, with the run's new head) is turned
 * into the records after the head announced before and the run's new state. Notifications are a
 * hint and can be missed (a dropped connection), so a slow poll reads the runs written since its
 * last look and announces any whose head or state moved unannounced. Runs are read one at a time,
 * in order, and a burst of notifications of one run is read once.
 */
export class PostgresLive {
  private readonly listeners = new Set<(c: LiveChange) => void>();
  /** The last seq announced per run (what the screens were told the ledger reaches). */
  private readonly announced = new Map<string, number>();
  /** The row stamp last announced per run (its updated_at), so the poll repeats nothing. */
  private readonly stamps = new Map<string, string>();
  private readonly dirty = new Map<string, number>();
  private pumping: Promise<void> | null = null;
  private pollSince = '';
  private timer: ReturnType<typeof setInterval> | null = null;
  private unlisten: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly ws: PostgresWorkspace,
    private readonly pollMs = PG_FALLBACK_POLL_MS,
  ) {}

  /** Starts listening, and the poll from the newest row there is now (older rows were read by whoever opened them). */
  async start(): Promise<void> {
    const { items } = await this.ws.runIndex.query({ sort: 'updated_desc', limit: 1 });
    this.pollSince = items[0]?.updatedAt ?? '';
    this.unlisten = await this.ws.onRunChange((c) => this.notified(c));
    this.timer = setInterval(() => void this.poll().catch(() => undefined), this.pollMs);
    this.timer.unref?.();
  }

  subscribe(listener: (c: LiveChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits until what was notified so far has been read and announced (tests, closing). */
  async settled(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unlisten?.();
    this.unlisten = null;
  }

  private notified(c: RunChange): void {
    this.mark(c.runId, c.headSeq);
  }

  private mark(runId: string, headSeq: number): void {
    if (this.closed) return;
    this.dirty.set(runId, Math.max(headSeq, this.dirty.get(runId) ?? -1));
    this.pumping ??= this.pump().finally(() => (this.pumping = null));
  }

  /** The fallback: rows written since the last look whose stamp or head was not announced. */
  private async poll(): Promise<void> {
    if (this.closed || !this.pollSince) {
      if (!this.closed && !this.pollSince) this.pollSince = (await this.ws.runIndex.query({ sort: 'updated_desc', limit: 1 })).items[0]?.updatedAt ?? '';
      return;
    }
    const newest = parseIsoTimestamp(this.pollSince);
    const since = newest === null ? this.pollSince : formatIsoTimestamp(newest - CLOCK_SKEW_MICROS);
    for (const s of await this.ws.runIndex.changedSince(since)) {
      if (s.updatedAt > this.pollSince) this.pollSince = s.updatedAt;
      if (this.stamps.get(s.runId) !== s.updatedAt || (this.announced.get(s.runId) ?? -1) < s.headSeq) this.mark(s.runId, s.headSeq);
    }
  }

  private async pump(): Promise<void> {
    while (!this.closed && this.dirty.size > 0) {
      const [runId, headSeq] = this.dirty.entries().next().value as [string, number];
      this.dirty.delete(runId);
      try {
        await this.read(runId, headSeq);
      } catch {
        // A failed read (the server restarting, the workspace closing): the poll looks again.
      }
    }
  }

  private async read(runId: string, headSeq: number): Promise<void> {
    const known = this.announced.get(runId);
    let records: StepRecord[] = [];
    let lastSeq: number | null = null;
    if (headSeq > (known ?? -1)) {
      // A run not seen before is announced by its newest records: a screen that shows it pages the rest.
      const from = Math.max(known === undefined ? 0 : known + 1, headSeq - LEDGER_EVENT_ENTRIES + 1);
      const page = await this.ws.ledger.readLedgerPage(runId, { fromSeq: from, limit: headSeq - from + 1 });
      const consecutive = page.filter((e, i) => e.seq === from + i);
      records = consecutive.map((e) => e.record);
      lastSeq = consecutive.at(-1)?.seq ?? null;
    }
    const run = await this.ws.runs.load(runId);
    if (this.closed) return;
    if (lastSeq !== null) this.announced.set(runId, lastSeq);
    if (run) this.stamps.set(runId, run.updatedAt);
    const change: LiveChange = { runId, records, lastSeq, run };
    for (const l of this.listeners) l(change);
  }
}
