import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { BUSY, CLOSED, FAILED, OPENING, PASS_US, PASSES, READY, SIGNAL, SLOTS, STARTING, STATE, STOPPING, WAL_FRAMES, WORKER_SOURCE } from './wal-checkpoint-worker';
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
 * commits every 50 µs always has a tail the worker has not reached. So once the WAL holds
 * RESTART_FRAMES, the writer copies that tail itself (its next transaction then restarts the WAL),
 * but only after the worker has made the tail short: it runs pass after pass, each covering what
 * was appended during the one before, until a pass takes under SHORT_PASS_US (at most
 * MAX_CATCH_UP_PASSES of them: on a slow disk no pass is short). That copy still stalls the
 * writer for about one fsync of the database file (4-5 ms here), once per RESTART_FRAMES frames
 * (~2,300 durable-loop steps); a longer tail would add its own fsync time on top. Without the
 * restart the WAL would grow without bound during a long burst.
 *
 * Presizing: appending a frame past the end of the WAL file costs the writer ~7 µs more than
 * writing it over an old one (the file system allocates blocks and grows the file on every
 * write): a 1,000-step loop on a fresh workspace ran at 19.5k steps/s, and at 22.5k once its WAL
 * had been used and restarted. So the worker, when it starts, grows the WAL file with zeros to
 * its working size (RESTART_FRAMES plus slack, ~42 MB at 8 KiB pages), as if it had been used.
 * That is safe: it holds the WAL write lock meanwhile (BEGIN IMMEDIATE), writes only past the
 * end of the file, and zeros never form a valid frame (SQLite reads frames up to the first one
 * whose salt and checksum fail, exactly as it ignores the stale frames left after a restart).
 * SQLite removes the file when the last connection closes, as always.
 *
 * The worker starts with the connection (or after `startAfterCommits` commits). A short-lived open
 * costs the main thread nothing: closing before the worker has opened the file stops it unopened.
 * Until the worker is ready, and again if it fails, SQLite's own autocheckpoint does the work, so
 * a missing worker costs speed, never correctness: every checkpoint is SQLite's, which is safe
 * from any connection at any moment.
 */
export interface WalCheckpointerOptions {
  /** The autocheckpoint (pages) to use while no worker runs. */
  autocheckpointPages: number;
  /** Start the worker after this many commits (default START_AFTER_COMMITS: at once). */
  startAfterCommits?: number;
  /** Wake the worker after this many commits (default SIGNAL_EVERY_COMMITS). */
  signalEveryCommits?: number;
  /** Let the WAL start over once it holds this many frames (default RESTART_FRAMES). */
  restartFrames?: number;
  /** Grow the WAL file to its working size when the worker starts (default true; see the class comment). */
  presizeWal?: boolean;
}

/**
 * By default the worker starts with the connection: its start-up (a V8 isolate, ~20-30 ms on the
 * other core) then overlaps opening, not the first burst of steps (measured: a 10,000-step loop
 * runs ~5% faster than with the worker started at the 2,000th commit).
 */
export const START_AFTER_COMMITS = 0;
/**
 * The worker copies every this many commits (a pass fsyncs the WAL, and while the kernel writes
 * its metadata the writer's next WAL write waits): 1,500 measured ~3% faster than 500 here, and
 * larger values no better.
 */
export const SIGNAL_EVERY_COMMITS = 1500;
export const RESTART_FRAMES = 4000;
/** A worker pass this short has left only a short tail (a few dozen frames) for the writer to copy. */
export const SHORT_PASS_US = 1500;
/** The WAL holds a little more than RESTART_FRAMES before it restarts (the tail, catch-up passes). */
const PRESIZE_SLACK_FRAMES = 1024;
/** At most this many catch-up passes before the writer copies the tail whatever its length. */
const MAX_CATCH_UP_PASSES = 4;
/**
 * Checkpoint workers per process, at most. Each is a V8 isolate (~10 MB) and presizes its WAL, so
 * a host with many workspaces open lets the rest checkpoint the usual way (in the commit) until a
 * worker's workspace closes; they ask again every RETRY_START_COMMITS commits.
 */
export const MAX_WORKERS = 4;
const RETRY_START_COMMITS = 256;
let liveWorkers = 0;

/** How long `close` waits for the worker to close its connection before giving up on it. */
const CLOSE_WAIT_MS = 10_000;

/** How often the committing thread copied the WAL tail itself (issue 15: it should not, in steady state). */
export interface WalWriterCopies {
  /** Commits this connection made since it opened. */
  commits: number;
  /** Times the writer copied the WAL tail itself to let the WAL restart. */
  tailCopies: number;
  /** Time those copies took on the writer's thread, in ms. */
  tailCopyMs: number;
}

export class WalCheckpointer {
  private tailCopies = 0;
  private tailCopyMs = 0;
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private worker: Worker | null = null;
  private commits = 0;
  private lastSignal = 0;
  /** PASSES when the writer last woke the worker for a catch-up pass, and how many it asked for since the restart was due. */
  private passesAtWake = -1;
  private catchUpPasses = 0;
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
    if (this.startAfter <= 0) this.start();
  }

  /** What copies the WAL back now: `writer` (SQLite's autocheckpoint, in the commit), `worker`, or `failed` (the worker stopped; the writer does it again). */
  get mode(): 'writer' | 'worker' | 'failed' {
    if (this.autocheckpointOff) return 'worker';
    return this.failed ? 'failed' : 'writer';
  }

  get writerCopies(): WalWriterCopies {
    return { commits: this.commits, tailCopies: this.tailCopies, tailCopyMs: +this.tailCopyMs.toFixed(3) };
  }

  /** Call after each committed write transaction of the connection. Cheap: a counter, and a few atomics every `checkEvery` commits. */
  afterCommit(): void {
    if (this.stopped) return;
    const n = ++this.commits;
    if (this.worker === null) {
      if (n === this.startAfter || (n > this.startAfter && n % RETRY_START_COMMITS === 0)) this.start();
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
   * Once a restart is due: wakes the worker for one more pass until a pass was short, then copies
   * the tail itself so the next transaction starts the WAL over (see the class comment).
   */
  private letWalRestart(): void {
    if (Atomics.load(this.ctrl, BUSY) !== 0) return;
    const passes = Atomics.load(this.ctrl, PASSES);
    if (passes === this.passesAtWake) return; // the pass asked for has not run yet
    // Another pass, unless the last one was short, or passes stopped getting shorter (a slow disk:
    // every fsync costs more than SHORT_PASS_US) and the tail must be copied as it is.
    if (Atomics.load(this.ctrl, PASS_US) > SHORT_PASS_US && this.catchUpPasses < MAX_CATCH_UP_PASSES) {
      this.catchUpPasses++;
      this.passesAtWake = passes;
      this.wake();
      return;
    }
    this.catchUpPasses = 0;
    const t0 = performance.now();
    const [result] = this.db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    this.tailCopies++;
    this.tailCopyMs += performance.now() - t0;
    if (result && !result.busy) {
      // The WAL restarts on our next write (unless a reader still uses its end); the worker reports again after its next pass.
      Atomics.store(this.ctrl, WAL_FRAMES, 0);
    }
  }

  private start(): void {
    if (liveWorkers >= MAX_WORKERS) return; // SQLite's autocheckpoint meanwhile; afterCommit asks again
    let sqlitePath: string;
    try {
      sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
      const presizeFrames = this.options.presizeWal === false ? 0 : this.restartFrames + PRESIZE_SLACK_FRAMES;
      this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sqlitePath, dbPath: this.path, shared: this.ctrl.buffer, presizeFrames } });
    } catch {
      this.stopped = true; // no worker here: SQLite's autocheckpoint keeps doing the work
      return;
    }
    liveWorkers++;
    this.worker.unref();
    // A worker that dies without saying so (out of memory, terminated): fall back on the next commit.
    this.worker.on('error', () => Atomics.store(this.ctrl, STATE, FAILED));
    this.worker.on('exit', () => {
      liveWorkers--;
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
    // Opening (or presizing) or copying: ask it to stop, and wait until its connection is closed.
    for (const from of [OPENING, READY]) if (Atomics.compareExchange(this.ctrl, STATE, from, STOPPING) === from) break;
    this.wake();
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
