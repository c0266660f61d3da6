import { type EventMap, type EventName } from '../../shared/contract/events';
import { type WireEvent } from '../../shared/contract/wire';

/** The service's one event stream; hosts forward it to windows and sockets. */
export class ServiceEvents {
  private readonly listeners = new Set<(e: WireEvent) => void>();

  on(listener: (e: WireEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    const message = { event, payload } as WireEvent;
    for (const l of this.listeners) {
      try {
        l(message);
      } catch {
        // A broken transport must not break the service.
      }
    }
  }
}

/**
 * Coalesces bursts per key (a run stepping thousands of times a second) into at most one flush
 * per interval, keeping the latest value; `merge` combines values when they accumulate.
 */
export class Coalescer<T> {
  private readonly pending = new Map<string, T>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: (key: string, value: T) => void,
    private readonly merge: (prev: T, next: T) => T = (_p, n) => n,
  ) {}

  push(key: string, value: T): void {
    const prev = this.pending.get(key);
    this.pending.set(key, prev === undefined ? value : this.merge(prev, value));
    if (!this.timer) {
      this.timer = setTimeout(() => this.drain(), this.intervalMs);
      this.timer.unref?.();
    }
  }

  drain(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const items = [...this.pending];
    this.pending.clear();
    for (const [k, v] of items) this.flush(k, v);
  }
}
