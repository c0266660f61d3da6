import { createHash } from 'node:crypto';
import pg from 'pg';

/** What a commit tells listeners about one run it changed. */
export interface RunChange {
  runId: string;
  /** The run's status after the commit, or null when the commit appended records only. */
  status: string | null;
  /** Its `wait_until` time when it now waits for one. */
  until: string | null;
  /** The run's ledger head after the commit (-1: none), so a listener knows what to read. */
  headSeq: number;
  /** Its parent run when the commit saved a run that has one (a completed child may free its parent); absent from older writers. */
  parentRunId?: string | null;
  /** Whether the writer held the run's lease: nobody else can take the run until it gives it back; absent from older writers. */
  leased?: boolean;
}

/** What a write to the run request queue tells listeners (src/runtime/requests). */
export interface RequestChange {
  id: number;
  runId: string;
  /** The request's status after the write: `pending` on submit, `done` / `failed` / `withdrawn` when it ends. */
  status: string;
}

/** The NOTIFY channel of a workspace (channel names are at most 63 bytes; schema names are up to 63 too). */
export function changeChannel(schema: string): string {
  return `ar_${createHash('sha256').update(schema).digest('hex').slice(0, 24)}`;
}

/** The workspace's second channel, for its run request queue: holders hear of new requests, askers of answers. */
export function requestChannel(schema: string): string {
  return `${changeChannel(schema)}_rq`;
}

/**
 * LISTEN on a workspace's channels over one connection of its own. Every step's commit sends one
 * NOTIFY per run it changed, every write to the request queue one per request (inside the
 * transaction, so it is delivered only if it commits). Notifications are a hint to look now: a
 * dropped connection loses some, so listeners keep a slow poll, and the connection is
 * re-established after a pause (`onConnect` listeners hear of it: what they missed, they look up).
 */
export class PgNotifications {
  private client: pg.Client | null = null;
  private readonly listeners = new Set<(c: RunChange) => void>();
  private readonly requestListeners = new Set<(c: RequestChange) => void>();
  private readonly connectListeners = new Set<() => void>();
  private closed = false;
  private connecting: Promise<void> | null = null;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly requestsChannel: string,
  ) {}

  /** Whether the LISTEN connection is up now (else nothing is heard until it is back). */
  get connected(): boolean {
    return this.client !== null;
  }

  async subscribe(listener: (c: RunChange) => void): Promise<() => void> {
    return this.add(this.listeners, listener);
  }

  async subscribeRequests(listener: (c: RequestChange) => void, onConnect?: () => void): Promise<() => void> {
    if (onConnect) this.connectListeners.add(onConnect);
    const off = await this.add(this.requestListeners, listener);
    return () => {
      off();
      if (onConnect) this.connectListeners.delete(onConnect);
    };
  }

  private async add<T>(set: Set<(c: T) => void>, listener: (c: T) => void): Promise<() => void> {
    set.add(listener);
    await this.ensure();
    return () => {
      set.delete(listener);
    };
  }

  private ensure(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('notification', (m) => {
      if (!m.payload) return;
      if (m.channel === this.channel) dispatch<RunChange>(m.payload, this.listeners);
      else if (m.channel === this.requestsChannel) dispatch<RequestChange>(m.payload, this.requestListeners);
    });
    client.on('error', () => {
      // Lost: listeners fall back on their poll until we are back.
      this.client = null;
      client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.ensure().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN "${this.channel}"; LISTEN "${this.requestsChannel}"`);
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
    for (const l of this.connectListeners) l();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}

function dispatch<T>(payload: string, listeners: ReadonlySet<(c: T) => void>): void {
  let change: T;
  try {
    change = JSON.parse(payload) as T;
  } catch {
    return;
  }
  for (const l of listeners) l(change);
}
