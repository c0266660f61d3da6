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
}

/** The NOTIFY channel of a workspace (channel names are at most 63 bytes; schema names are up to 63 too). */
export function changeChannel(schema: string): string {
  return `ar_${createHash('sha256').update(schema).digest('hex').slice(0, 24)}`;
}

/**
 * LISTEN on a workspace's channel over a connection of its own. Every step's commit sends one
 * NOTIFY per run it changed (inside the transaction, so it is delivered only if it commits).
 * Notifications are a hint to look now: a dropped connection loses some, so listeners keep a
 * slow poll, and the connection is re-established after a pause.
 */
export class PgNotifications {
  private client: pg.Client | null = null;
  private readonly listeners = new Set<(c: RunChange) => void>();
  private closed = false;
  private connecting: Promise<void> | null = null;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
  ) {}

  async subscribe(listener: (c: RunChange) => void): Promise<() => void> {
    this.listeners.add(listener);
    await this.ensure();
    return () => {
      this.listeners.delete(listener);
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
      if (m.channel !== this.channel || !m.payload) return;
      let change: RunChange;
      try {
        change = JSON.parse(m.payload) as RunChange;
      } catch {
        return;
      }
      for (const l of this.listeners) l(change);
    });
    client.on('error', () => {
      // Lost: listeners fall back on their poll until we are back.
      this.client = null;
      client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.ensure().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN "${this.channel}"`);
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
