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
