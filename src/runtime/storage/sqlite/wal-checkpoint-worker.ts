/**
 * The worker side of WalCheckpointer (see wal-checkpointer.ts): the slots and states both threads
 * use, and the worker's source.
 *
 * The worker is CommonJS source run with `eval: true`: no file to locate in a bundle (the Electron
 * main process is one bundled file), and it loads the same better-sqlite3 the writer uses (its
 * path is passed in). Its loop: wait on SIGNAL (or IDLE_CHECKPOINT_MS), run one PASSIVE
 * checkpoint, publish what it saw (WAL_FRAMES, how long it took), repeat until the
 * writer moves STATE away from READY.
 */

/** How long the worker sleeps when nothing wakes it: it then copies back what an idle writer left. */
const IDLE_CHECKPOINT_MS = 2000;

/** Slots of the Int32Array the writer and the worker share. */
export const STATE = 0;
/** Bumped by the writer to wake the worker. */
export const SIGNAL = 1;
/** Frames in the WAL at the worker's last pass (the writer resets it to 0 once it let the WAL restart). */
export const WAL_FRAMES = 2;
/** 1 while a pass runs. */
export const BUSY = 3;
/** Passes the worker has finished, and how long the last one took (µs). */
export const PASSES = 4;
export const PASS_US = 5;
export const SLOTS = 6;

/**
 * Worker states. STARTING: not yet touching the file (the writer may cancel it outright);
 * OPENING: opening and presizing; READY: copying; STOPPING: asked to close; CLOSED / FAILED: its
 * connection is closed.
 */
export const STARTING = 0;
export const READY = 1;
export const STOPPING = 2;
export const CLOSED = 3;
export const FAILED = 4;
export const OPENING = 5;

/** The worker's CommonJS source. */
export const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { sqlitePath, dbPath, shared, presizeFrames } = workerData;
const fs = require('node:fs');
const ctrl = new Int32Array(shared);
const [STATE, SIGNAL, WAL_FRAMES, BUSY, PASSES, PASS_US] = [${STATE}, ${SIGNAL}, ${WAL_FRAMES}, ${BUSY}, ${PASSES}, ${PASS_US}];
const [STARTING, READY, STOPPING, CLOSED, FAILED, OPENING] = [${STARTING}, ${READY}, ${STOPPING}, ${CLOSED}, ${FAILED}, ${OPENING}];
let db = null;
// Grows the WAL file with zeros to hold "frames" frames (see WalCheckpointer: presizing). Under
// BEGIN IMMEDIATE, which holds the WAL write lock, so no connection appends a frame meanwhile;
// only bytes past the end of the file are written, and zeros are never a valid frame.
function presizeWal(db, frames) {
  const pageSize = db.pragma('page_size', { simple: true });
  const target = 32 + frames * (pageSize + 24);
  db.exec('BEGIN IMMEDIATE');
  try {
    const walPath = dbPath + '-wal';
    const size = fs.existsSync(walPath) ? fs.statSync(walPath).size : -1;
    if (size < 0 || size >= target) return;
    const fd = fs.openSync(walPath, 'r+');
    try {
      const chunk = Buffer.alloc(1 << 20);
      for (let at = size; at < target; at += chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, target - at), at);
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    db.exec('COMMIT');
  }
}
try {
  // Only if the writer has not cancelled us; from here on it waits for CLOSED before it closes.
  if (Atomics.compareExchange(ctrl, STATE, STARTING, OPENING) === STARTING) {
    const Database = require(sqlitePath);
    db = new Database(dbPath, { fileMustExist: true, timeout: 5000 });
    db.pragma('wal_autocheckpoint = 0');
    if (presizeFrames > 0) {
      try {
        presizeWal(db, presizeFrames);
      } catch {
        // Only an optimisation (a busy workspace, a full disk): copying the WAL back matters more.
        try { if (db.inTransaction) db.exec('ROLLBACK'); } catch {}
      }
    }
    const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').raw(true);
    // Ready only if the writer has not asked us to stop meanwhile.
    if (Atomics.compareExchange(ctrl, STATE, OPENING, READY) === OPENING) {
      let seen = Atomics.load(ctrl, SIGNAL);
      for (;;) {
        Atomics.wait(ctrl, SIGNAL, seen, ${IDLE_CHECKPOINT_MS});
        if (Atomics.load(ctrl, STATE) !== READY) break;
        seen = Atomics.load(ctrl, SIGNAL);
        Atomics.store(ctrl, BUSY, 1);
        const started = performance.now();
        const [busy, log] = checkpoint.get();
        if (!busy && log >= 0) {
          Atomics.store(ctrl, WAL_FRAMES, log);
          Atomics.store(ctrl, PASS_US, Math.min(2147483647, Math.round((performance.now() - started) * 1000)));
        }
        Atomics.add(ctrl, PASSES, 1);
        Atomics.store(ctrl, BUSY, 0);
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
