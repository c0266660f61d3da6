import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { RunLockedError } from '../../errors';
import { formatIsoTimestamp } from '../../json/timestamp';
import { type RunLease } from '../run-store';
import { type WorkspaceDb } from './workspace-db';

/** Who holds a run's lease. */
export interface LeaseHolder {
  runId: string;
  /** The workspace instance (one per open), not the process: two opens in one process are two owners. */
  owner: string;
  pid: number;
  host: string;
  acquiredAt: string;
  /** Epoch milliseconds; renewed while held. Only consulted for holders on another host. */
  expiresAt: number;
  /** False once the holder is known to be gone (its lease would be taken over by the next acquire). */
  live: boolean;
}

interface LeaseRow {
  owner: string;
  pid: number;
  host: string;
  acquired_at: string;
  expires_at: number;
}

let cachedHost: string | null = null;

/**
 * This machine, as of this boot: the boot id makes a lease left by a process before a reboot count
 * as another host's (so it expires) instead of pointing at an unrelated process that reused the pid.
 */
export function leaseHost(): string {
  if (cachedHost === null) {
    let boot = '';
    try {
      boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      // Not Linux: the host name alone.
    }
    cachedHost = boot ? `${hostname()}#${boot}` : hostname();
  }
  return cachedHost;
}

/** True unless the process is known to be gone (EPERM means it exists but is not ours). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const describe = (h: LeaseRow): string => `process ${h.pid} on ${h.host.split('#')[0]} (lease taken ${h.acquired_at})`;

/**
 * Run leases: one process ticks a run at a time. A lease held by a live process makes
 * `acquire` throw RunLockedError naming the holder; a lease left by a dead process (same host:
 * its pid is gone; other host: it stopped renewing and expired) is taken over. Leases are
 * re-entrant within one owner, renewed by a heartbeat while held, and released on close.
 */
export class RunLeases {
  private readonly held = new Map<string, number>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly host = leaseHost();

  constructor(
    private readonly db: WorkspaceDb,
    readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  acquire(runId: string): RunLease {
    const count = this.held.get(runId) ?? 0;
    if (count === 0) this.db.write('lease a run', () => this.take(runId));
    this.held.set(runId, count + 1);
    this.startHeartbeat();
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        this.release(runId);
      },
    };
  }

  private take(runId: string): void {
    const h = this.db.stmt('SELECT owner, pid, host, acquired_at, expires_at FROM run_leases WHERE run_id = ?').get(runId) as LeaseRow | undefined;
    if (h && h.owner !== this.owner && this.alive(h)) throw new RunLockedError(runId, describe(h));
    // Real time, not the workspace's injectable clock: leases are about real processes.
    const nowMs = Date.now();
    this.db
      .stmt(
        `INSERT INTO run_leases (run_id, owner, pid, host, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host,
           acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
      )
      .run(runId, this.owner, process.pid, this.host, formatIsoTimestamp(nowMs * 1000), nowMs + this.ttlMs);
  }

  private alive(h: LeaseRow): boolean {
    if (h.host === this.host) return processAlive(h.pid);
    return h.expires_at > Date.now();
  }

  private release(runId: string): void {
    const count = (this.held.get(runId) ?? 0) - 1;
    if (count > 0) {
      this.held.set(runId, count);
      return;
    }
    this.held.delete(runId);
    if (this.held.size === 0) this.stopHeartbeat();
    if (this.db.isClosed) return; // close() already released everything
    this.db.write('release a run lease', () => this.db.stmt('DELETE FROM run_leases WHERE run_id = ? AND owner = ?').run(runId, this.owner));
  }

  /** Who holds the lease of a run now, or null. */
  holder(runId: string): LeaseHolder | null {
    return this.db.read(() => {
      const h = this.db.stmt('SELECT owner, pid, host, acquired_at, expires_at FROM run_leases WHERE run_id = ?').get(runId) as LeaseRow | undefined;
      return h ? { runId, owner: h.owner, pid: h.pid, host: h.host, acquiredAt: h.acquired_at, expiresAt: h.expires_at, live: this.alive(h) } : null;
    });
  }

  /** Drops every lease of this owner (workspace close). */
  releaseAll(): void {
    this.stopHeartbeat();
    this.held.clear();
    if (this.db.isClosed || this.db.readonly) return;
    this.db.write('release run leases', () => this.db.stmt('DELETE FROM run_leases WHERE owner = ?').run(this.owner));
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => this.renew(), Math.max(10, Math.floor(this.ttlMs / 3)));
    this.heartbeat.unref(); // a held lease must not keep the process alive
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private renew(): void {
    if (this.db.isClosed) return this.stopHeartbeat();
    try {
      const expires = Date.now() + this.ttlMs;
      this.db.write('renew run leases', () => this.db.stmt('UPDATE run_leases SET expires_at = ? WHERE owner = ?').run(expires, this.owner));
    } catch {
      // Busy for longer than the timeout: the next beat tries again, well before expiry.
    }
  }
}
