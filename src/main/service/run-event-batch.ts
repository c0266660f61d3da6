import { type RunState, type StepRecord } from '../../runtime/index';
import { LEDGER_EVENT_ENTRIES, type EventMap } from '../../shared/contract/events';
import { toLedgerEntry } from './dto/ledger-dto';

/** Records of one run committed together, and the seq of the last one when the writer told it. */
interface Landed {
  records: StepRecord[];
  lastSeq: number | null;
}

interface Pending {
  landed: Landed[];
  run: RunState | null;
}

/** Where a batch goes: the service's event stream, and the store for what the writer did not tell. */
export interface RunEventSink {
  appended(event: EventMap['ledger.appended']): void;
  /** The newest saved state of a run (announcing it may read the run's row). */
  saved(run: RunState): void;
  /** The seq of the run's last stored record, or null when there is none (the slow path: a query). */
  headSeq(runId: string): Promise<number | null>;
}

/**
 * Gathers what the runtime announces of each run (records appended, state saved) and sends it at
 * most once per interval: a run driven fast commits thousands of steps a second, and an event per
 * step floods the socket and the renderer. Nothing is lost: records accumulate (each is announced
 * once, by its seq), the newest state replaces older ones, and `drain` sends it all at once. A
 * run's records go out before its state, so a screen that reads "completed" has the records that
 * led there.
 */
export class RunEventBatch {
  private readonly pending = new Map<string, Pending>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly sink: RunEventSink,
  ) {}

  /** `lastSeq`: the seq of the last of `records` (they are consecutive), or null when unknown. */
  landed(runId: string, records: StepRecord[], lastSeq: number | null): void {
    if (records.length > 0) this.entry(runId).landed.push({ records, lastSeq });
  }

  saved(run: RunState): void {
    this.entry(run.runId).run = run;
  }

  /** Sends everything pending now: at idle and close, and before an answer that may show it. */
  drain(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const items = [...this.pending];
    this.pending.clear();
    for (const [runId, p] of items) {
      if (p.landed.every((l) => l.lastSeq !== null)) this.send(runId, p);
      else void this.sendLate(runId, p);
    }
  }

  private entry(runId: string): Pending {
    let p = this.pending.get(runId);
    if (!p) {
      p = { landed: [], run: null };
      this.pending.set(runId, p);
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.drain(), this.intervalMs);
      this.timer.unref?.();
    }
    return p;
  }

  private send(runId: string, p: Pending): void {
    for (const span of spans(p.landed)) {
      const first = span.lastSeq - span.records.length + 1;
      const shown = span.records.slice(-LEDGER_EVENT_ENTRIES);
      const offset = span.records.length - shown.length;
      this.sink.appended({
        runId,
        firstSeq: first,
        lastSeq: span.lastSeq,
        count: span.records.length,
        entries: shown.map((r, i) => toLedgerEntry(first + offset + i, r)),
      });
    }
    if (p.run) this.sink.saved(p.run);
  }

  /**
   * The writer did not tell some seqs (it forgot its heads after another connection's commit):
   * the stored head places them, as the newest records of the run.
   */
  private async sendLate(runId: string, p: Pending): Promise<void> {
    let head: number | null;
    try {
      head = await this.sink.headSeq(runId);
    } catch {
      return; // the workspace closed in between: nothing to announce
    }
    if (head === null) return;
    const records = p.landed.flatMap((l) => l.records);
    this.send(runId, { landed: [{ records, lastSeq: head }], run: p.run });
  }
}

/** Consecutive landings joined into runs of consecutive seqs (another writer's records split them). */
function spans(landed: readonly Landed[]): Array<{ records: StepRecord[]; lastSeq: number }> {
  const out: Array<{ records: StepRecord[]; lastSeq: number }> = [];
  for (const l of landed) {
    const lastSeq = l.lastSeq as number;
    const prev = out.at(-1);
    if (prev && prev.lastSeq + l.records.length === lastSeq) {
      for (const r of l.records) prev.records.push(r);
      prev.lastSeq = lastSeq;
    } else {
      out.push({ records: [...l.records], lastSeq });
    }
  }
  return out;
}
