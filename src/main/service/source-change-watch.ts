import { type ServiceEvents } from './service-events';
import { type ReadSession } from './sessions/session';

/** How often the open source is asked whether someone else changed it: one cheap pragma a tick. */
export const SOURCE_WATCH_INTERVAL_MS = 250;

/**
 * Notices writes made to the open source behind the Studio's back (another process driving runs,
 * a manual edit of the SQLite file with another connection) and announces them as
 * `workspace.dataChanged`, so the renderer re-reads what it shows and no verdict outlives its
 * data. The Studio's own writes are announced by the runtime's events instead.
 */
export class SourceChangeWatch {
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly events: ServiceEvents,
    private readonly intervalMs = SOURCE_WATCH_INTERVAL_MS,
  ) {}

  watch(session: ReadSession): void {
    this.stop();
    let seen = session.externalChangeCounter();
    if (seen === null) return;
    this.timer = setInterval(() => {
      let now: number | null;
      try {
        now = session.externalChangeCounter();
      } catch {
        return; // closing under the timer: the next switch stops it
      }
      if (now === null || now === seen) return;
      seen = now;
      this.events.emit('workspace.dataChanged', { sourceId: session.info.id });
    }, this.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
