import {
  StudioError,
  type EventMap,
  type EventName,
  type OperationName,
  type RequestInput,
  type Response,
  type StudioClient,
} from '../../../shared/contract';
import { EventHub } from '../client/event-hub';

type Handler<K extends OperationName> = (request: RequestInput<K>) => Response<K> | Promise<Response<K>>;
type Handlers = { [K in OperationName]?: Handler<K> };

/**
 * A stand-in for the backend at the contract boundary: tests give it answers per operation and
 * push events through it, then assert on what the stores did and asked.
 */
export class FakeClient implements StudioClient {
  readonly host = 'web' as const;
  readonly calls: Array<{ op: OperationName; request: unknown }> = [];
  private readonly handlers: Handlers = {};
  private readonly hub = new EventHub();

  on<K extends OperationName>(op: K, handler: Handler<K>): this {
    (this.handlers as Record<string, unknown>)[op] = handler;
    return this;
  }

  async invoke<K extends OperationName>(op: K, request: RequestInput<K>): Promise<Response<K>> {
    this.calls.push({ op, request });
    const h = this.handlers[op] as Handler<K> | undefined;
    if (!h) throw new StudioError('UNKNOWN_OPERATION', `The fake backend has no answer for ${op}.`);
    return h(request);
  }

  subscribe<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    return this.hub.subscribe(event, listener);
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    this.hub.dispatch({ event, payload });
  }

  callsOf(op: OperationName): unknown[] {
    return this.calls.filter((c) => c.op === op).map((c) => c.request);
  }
}

/** Lets pending promise callbacks (store actions awaiting the fake) run. */
export const flush = async (times = 5): Promise<void> => {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0));
};
