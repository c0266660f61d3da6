import { type EventMap, type RunSummary } from '../../../shared/contract';
import { frameBatch } from '../lib/frame-batch';

/** What a driven run announces: records landed, or its newest state. */
export type LiveUpdate = { appended: EventMap['ledger.appended']; run?: undefined } | { run: RunSummary; appended?: undefined };

/**
 * The live updates of driven runs, held and handed to the stores once a frame: a run driven fast
 * announces records and state many times a second, and a window busy drawing would otherwise
 * fall behind, working through a queue of updates long after the run ended. Records of a run
 * accumulate (each is announced once); a newer state replaces an older one. `flush` hands over
 * what is held at once: before any answer from the backend is used (see events-first-client),
 * since the backend sent the events of what an answer shows before the answer.
 */
export class LiveUpdates {
  private apply: ((items: readonly LiveUpdate[]) => void) | null = null;
  private readonly batch = frameBatch<LiveUpdate>(
    (items) => this.apply?.(items.map(([, u]) => u)),
    (held, next) =>
      held.appended && next.appended
        ? { appended: { ...next.appended, firstSeq: held.appended.firstSeq, count: held.appended.count + next.appended.count, entries: [...held.appended.entries, ...next.appended.entries] } }
        : next,
  );

  /** Where updates go (the stores); null stops them. */
  connect(apply: ((items: readonly LiveUpdate[]) => void) | null): void {
    if (apply === null) this.batch.cancel();
    this.apply = apply;
  }

  push(update: LiveUpdate): void {
    this.batch.push(update.appended ? `ledger:${update.appended.runId}` : `run:${update.run.runId}`, update);
  }

  flush(): void {
    this.batch.flush();
  }
}
