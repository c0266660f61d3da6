import { type EventMap, type EventName, type WireEvent, isEventName } from '../../../shared/contract';

type AnyListener = (payload: EventMap[EventName]) => void;

/**
 * Fans one stream of wire events out to per-event listeners. Both clients receive every event on
 * a single channel (a socket, an IPC channel); this keeps the routing in one tested place.
 */
export class EventHub {
  private readonly listeners = new Map<EventName, Set<AnyListener>>();

  subscribe<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const l = listener as AnyListener;
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  get size(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  /** Delivers one message; unknown events (a newer backend) are ignored rather than crashing. */
  dispatch(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const { event, payload } = message as Partial<WireEvent>;
    if (!isEventName(event)) return;
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload as EventMap[EventName]);
      } catch (err) {
        // One broken listener must not starve the others of events.
        console.error(`Listener for ${event} failed`, err);
      }
    }
  }
}
