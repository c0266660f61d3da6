import {
  type EventMap,
  type EventName,
  type OperationName,
  type PreloadBridge,
  type RequestInput,
  type Response,
  type StudioClient,
} from '../../../shared/contract';
import { EventHub } from './event-hub';
import { toStudioError } from './to-studio-error';

/**
 * The StudioClient inside Electron: a thin wrapper over the preload's `window.studio`, which
 * answers every call with a WireResult and pushes every event on one channel.
 */
export class ElectronClient implements StudioClient {
  readonly host = 'electron' as const;
  private readonly hub = new EventHub();
  private unsubscribeBridge: (() => void) | null = null;

  constructor(private readonly bridge: PreloadBridge) {}

  async invoke<K extends OperationName>(op: K, request: RequestInput<K>): Promise<Response<K>> {
    let result;
    try {
      result = await this.bridge.invoke(op, request ?? {});
    } catch (err) {
      throw toStudioError(err, op);
    }
    if (result.ok) return result.result as Response<K>;
    throw toStudioError(result.error, op);
  }

  subscribe<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    // One bridge subscription serves every listener, so the main process sends each event once.
    this.unsubscribeBridge ??= this.bridge.subscribe((message) => this.hub.dispatch(message));
    return this.hub.subscribe(event, listener);
  }
}
