import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { type SqliteDatabase } from './workspace-db';

/**
 * Copies the WAL back into the database file on a worker thread, so a busy writer never pays for
 * it.
 *
 * Why: in WAL mode SQLite checkpoints inside the commit that crosses `wal_autocheckpoint`, on the
 * writer's thread. A checkpoint fsyncs the WAL (with synchronous=NORMAL that is where every byte a
 * commit wrote reaches the disk) and copies each changed page into the file: measured here at
 * 12-14 µs per durable-loop step, a fifth of a step's cost (bench/sqlite-throughput.bench.ts).
 * A second connection on a worker thread does the same work with PASSIVE checkpoints, which never
 * block the writer, on the other core.
 *
 * One thing the worker cannot do: let the WAL start over. SQLite rewrites the WAL from its start
 * only when a write transaction begins with every frame already copied back, and a writer that
 * commits every 50 µs always has a tail the worker has not reached. So when the WAL has grown past
 * RESTART_FRAMES and the worker is idle, the writer copies that short tail itself (a PASSIVE
 * checkpoint of a few hundred frames instead of thousands); its next transaction restarts the WAL.
 * Without that the WAL would grow without bound during a long burst, and every page lookup in it
 * gets slower as it grows.
 *
 * Started lazily, after START_AFTER_COMMITS commits of this connection: a short-lived open (a CLI
 * call, a test) never starts a thread. Until the worker is ready, and again if it fails, SQLite's
 * own autocheckpoint does the work, so a missing worker costs speed, never correctness: every
 * checkpoint is SQLite's, which is safe from any connection at any moment.
 */
export interface WalCheckpointerOptions {
  /** The autocheckpoint (pages) to use while no worker runs. */
  autocheckpointPages: number;
  /** Start the worker after this many commits (default START_AFTER_COMMITS). */
  startAfterCommits?: number;
  /** Wake the worker after this many commits (default SIGNAL_EVERY_COMMITS). */
  signalEveryCommits?: number;
  /** Let the WAL start over once it holds this many frames (default RESTART_FRAMES). */
  restartFrames?: number;
}

/** About when a busy writer would otherwise run its first checkpoint itself (WAL_AUTOCHECKPOINT_PAGES at ~1.7 pages a step). */
export const START_AFTER_COMMITS = 2000;
export const SIGNAL_EVERY_COMMITS = 500;
export const RESTART_FRAMES = 4000;
/** How long the worker sleeps when nothing wakes it: it then copies back what an idle writer left. */
const IDLE_CHECKPOINT_MS = 2000;
/** How long `close` waits for the worker to close its connection before giving up on it. */
const CLOSE_WAIT_MS = 10_000;

// Slots of the shared Int32Array.
const STATE = 0;
const SIGNAL = 1;
const WAL_FRAMES = 2;
const COPIED_FRAMES = 3;
const BUSY = 4;
const SLOTS = 5;

// Worker states.
const STARTING = 0;
const READY = 1;
const STOPPING = 2;
const CLOSED = 3;
const FAILED = 4;

/**
 * The worker, as CommonJS source run with `eval: true`: no file to locate in a bundle (the
 * Electron main process is one bundled file), and it loads the same better-sqlite3 the writer
 * uses (its path is passed in).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { sqlitePath, dbPath, shared } = workerData;
const ctrl = new Int32Array(shared);
const [STATE, SIGNAL, WAL_FRAMES, COPIED_FRAMES, BUSY] = [${STATE}, ${SIGNAL}, ${WAL_FRAMES}, ${COPIED_FRAMES}, ${BUSY}];
const [STARTING, READY, STOPPING, CLOSED, FAILED] = [${STARTING}, ${READY}, ${STOPPING}, ${CLOSED}, ${FAILED}];
let db = null;
try {
  if (Atomics.load(ctrl, STATE) === STARTING) {
    const Database = require(sqlitePath);
    db = new Database(dbPath, { fileMustExist: true, timeout: 5000 });
    db.pragma('wal_autocheckpoint = 0');
    const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').raw(true);
    // Ready only if the writer has not asked us to stop meanwhile.
    if (Atomics.compareExchange(ctrl, STATE, STARTING, READY) === STARTING) {
      let seen = Atomics.load(ctrl, SIGNAL);
      for (;;) {
        Atomics.wait(ctrl, SIGNAL, seen, ${IDLE_CHECKPOINT_MS});
        if (Atomics.load(ctrl, STATE) !== READY) break;
        seen = Atomics.load(ctrl, SIGNAL);
        Atomics.store(ctrl, BUSY, 1);
        const [busy, log, copied] = checkpoint.get();
        Atomics.store(ctrl, BUSY, 0);
        if (!busy && log >= 0) {
          Atomics.store(ctrl, WAL_FRAMES, log);
          Atomics.store(ctrl, COPIED_FRAMES, copied);
        }
      }
    }
  }
  if (db) db.close();
  Atomics.store(ctrl, STATE, CLOSED);
} catch (err) {
  try { if (db) db.close(); } catch {}
  Atomics.store(ctrl, STATE, FAILED);
}
Atomics.notify(ctrl, STATE);
`;

export class WalCheckpointer {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private worker: Worker | null = null;
  private commits = 0;
  private lastSignal = 0;
  private autocheckpointOff = false;
  private stopped = false;
  private failed = false;
  private readonly startAfter: number;
  private readonly signalEvery: number;
  private readonly restartFrames: number;
  private readonly checkEvery: number;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly path: string,
    private readonly options: WalCheckpointerOptions,
  ) {
    this.startAfter = options.startAfterCommits ?? START_AFTER_COMMITS;
    this.signalEvery = Math.max(1, options.signalEveryCommits ?? SIGNAL_EVERY_COMMITS);
    this.restartFrames = options.restartFrames ?? RESTART_FRAMES;
    this.checkEvery = Math.min(64, this.signalEvery);
  }

  /** True once the worker copies the WAL back (and SQLite's autocheckpoint is off for this connection). */
  get active(): boolean {
    return this.autocheckpointOff;
  }

  /** What copies the WAL back now: `writer` (SQLite's autocheckpoint, in the commit), `worker`, or `failed` (the worker stopped; the writer does it again). */
  get mode(): 'writer' | 'worker' | 'failed' {
    if (this.autocheckpointOff) return 'worker';
    return this.failed ? 'failed' : 'writer';
  }

  /** Call after each committed write transaction of the connection. Cheap: a counter, and a few atomics every `checkEvery` commits. */
  afterCommit(): void {
    if (this.stopped) return;
    const n = ++this.commits;
    if (this.worker === null) {
      if (n >= this.startAfter) this.start();
      return;
    }
    if (n % this.checkEvery !== 0) return;
    const state = Atomics.load(this.ctrl, STATE);
    if (state === READY) {
      if (!this.autocheckpointOff) {
        this.db.pragma('wal_autocheckpoint = 0');
        this.autocheckpointOff = true;
      }
      if (Atomics.load(this.ctrl, WAL_FRAMES) >= this.restartFrames) {
        // A restart is due: the worker gets no new work until the writer has copied the tail (so it
        // is idle by the next check even under a stream of commits that never pauses).
        this.letWalRestart();
      } else if (n - this.lastSignal >= this.signalEvery) {
        this.lastSignal = n;
        this.wake();
      }
    } else if (state === FAILED || state === CLOSED) {
      this.fallBack();
    }
  }

  /**
   * Copies the tail the worker has not reached yet, so the next transaction starts the WAL over
   * (see the class comment). While the worker is mid-copy, SQLite answers "busy" at once and the
   * next check tries again.
   */
  private letWalRestart(): void {
    if (Atomics.load(this.ctrl, BUSY) !== 0) return;
    const [result] = this.db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    if (result && !result.busy) {
      // The WAL restarts on our next write (unless a reader still uses its end); the worker reports again after its next copy.
      Atomics.store(this.ctrl, WAL_FRAMES, 0);
      Atomics.store(this.ctrl, COPIED_FRAMES, 0);
    }
  }

  private start(): void {
    let sqlitePath: string;
    try {
      sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
      this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sqlitePath, dbPath: this.path, shared: this.ctrl.buffer } });
    } catch {
      this.stopped = true; // no worker here: SQLite's autocheckpoint keeps doing the work
      return;
    }
    this.worker.unref();
    // A worker that dies without saying so (out of memory, terminated): fall back on the next commit.
    this.worker.on('error', () => Atomics.store(this.ctrl, STATE, FAILED));
    this.worker.on('exit', () => {
      if (Atomics.load(this.ctrl, STATE) !== CLOSED) Atomics.store(this.ctrl, STATE, FAILED);
    });
  }

  private wake(): void {
    Atomics.add(this.ctrl, SIGNAL, 1);
    Atomics.notify(this.ctrl, SIGNAL);
  }

  private fallBack(): void {
    this.stopped = true;
    this.failed = true;
    this.worker = null;
    if (this.autocheckpointOff) {
      this.db.pragma(`wal_autocheckpoint = ${this.options.autocheckpointPages}`);
      this.autocheckpointOff = false;
    }
  }

  /**
   * Stops the worker and waits (briefly, blocking) until its connection is closed, so the caller
   * can close its own connection as the last one (which checkpoints and removes the WAL) and a
   * file reopened at the same path never meets a connection of this one.
   */
  close(): void {
    if (this.worker === null) {
      this.stopped = true;
      return;
    }
    this.stopped = true;
    this.worker = null;
    if (Atomics.compareExchange(this.ctrl, STATE, STARTING, CLOSED) === STARTING) return; // it never opens the file
    if (Atomics.compareExchange(this.ctrl, STATE, READY, STOPPING) === READY) this.wake();
    const deadline = Date.now() + CLOSE_WAIT_MS;
    for (;;) {
      const state = Atomics.load(this.ctrl, STATE);
      if (state === CLOSED || state === FAILED) break;
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(this.ctrl, STATE, state, left);
    }
  }
}
