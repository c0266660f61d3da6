import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { hasWalSidecars } from './file-access';
import { LATEST_SCHEMA_VERSION, migrate, WORKSPACE_APPLICATION_ID } from './migrations';
import { WalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer';
import { WorkspaceDb, type SqliteDatabase } from './workspace-db';
import { translateSqliteError, WorkspaceCorruptError, WorkspaceInvalidError, WorkspaceTooNewError } from './workspace-errors';

export interface OpenWorkspaceDbOptions {
  /** NORMAL (default): in WAL mode a commit survives a process crash, the last ones may be lost on power loss. FULL: also on power loss. */
  synchronous?: 'NORMAL' | 'FULL';
  /** Open for audit: nothing can be written, and the file must already be a workspace. */
  readonly?: boolean;
  /** Create the file when it does not exist (default true; ignored when readonly). */
  create?: boolean;
  /** How long a write waits for another process's transaction (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * Run `PRAGMA quick_check` on open, before anything is written, and refuse a damaged file with
   * WORKSPACE_CORRUPT (costs a read of the whole file: see bench/open-integrity.bench.ts).
   */
  checkIntegrity?: boolean;
  /** Checkpoint the WAL after this many pages (default WAL_AUTOCHECKPOINT_PAGES; tests use small values to checkpoint often). */
  walAutocheckpointPages?: number;
  /**
   * Copy the WAL back on a worker thread (default true; see wal-checkpointer.ts). Off: SQLite
   * checkpoints inside the commit that fills the WAL.
   */
  backgroundCheckpoints?: boolean | Omit<WalCheckpointerOptions, 'autocheckpointPages'>;
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

/**
 * Page size of new workspace files. Every page a commit changes is one WAL frame (see schema-v1),
 * and a durable-loop step appends ~1.7 KB to the ledger: with 8 KiB pages a leaf takes four to
 * five steps before it splits (a split also rewrites its parent and page 1), which cuts the frames
 * per step from ~4.0 (4 KiB pages) to ~2.9.
 */
export const PAGE_SIZE = 8192;
/**
 * Checkpoint after this many WAL pages (32 MiB at 8 KiB pages; SQLite's default is 1,000) while
 * no checkpoint worker runs (see wal-checkpointer.ts). Each checkpoint costs two fsyncs plus a
 * copy of every page changed since the last one: fewer, larger checkpoints copy a hot page (an
 * index leaf, page 1) once instead of many times.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 4000;
/** After a checkpoint, a WAL that grew past this (a long reader held it back) is cut back to it. */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** Refuses, before SQLite sees it, a path that is a folder or a file that is not SQLite at all. */
function checkFile(path: string, mayCreate: boolean): void {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new WorkspaceInvalidError(path, 'it is a folder, not a file');
    size = st.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err instanceof WorkspaceInvalidError ? err : new WorkspaceInvalidError(path, String(err));
    if (!mayCreate) throw new WorkspaceInvalidError(path, 'the file does not exist');
    return;
  }
  if (size === 0) {
    if (!mayCreate) throw new WorkspaceInvalidError(path, 'the file is empty');
    return;
  }
  const head = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 100 || head.toString('latin1') !== SQLITE_HEADER) throw new WorkspaceInvalidError(path, 'it is not a SQLite database');
}

/**
 * A new workspace holds the raw signing key when no passphrase seals it: create the file for its
 * owner only (0600). SQLite gives its `-wal` and `-shm` the mode of the database file.
 */
function createPrivate(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new WorkspaceInvalidError(path, `it cannot be created (${(err as Error).message})`);
  }
}

/** Checks the identity and version of an open file; returns true when it is a brand-new database. */
function checkIdentity(db: SqliteDatabase, path: string): boolean {
  const appId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (appId === 0) {
    const objects = db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() as number;
    if (objects > 0) throw new WorkspaceInvalidError(path, 'it is a SQLite database of another application (it has tables but no workspace id)');
    return true;
  }
  if (appId !== WORKSPACE_APPLICATION_ID) {
    throw new WorkspaceInvalidError(path, `it is a SQLite database of another application (application_id 0x${(appId >>> 0).toString(16)})`);
  }
  if (version > LATEST_SCHEMA_VERSION) throw new WorkspaceTooNewError(path, version, LATEST_SCHEMA_VERSION);
  return false;
}

/**
 * Schema 1 was rewritten before the first release (run keys, states stored with their records);
 * a file from a build before that has version 1 but not its tables. Say so instead of failing on
 * the first query.
 */
function checkPreRelease(db: SqliteDatabase, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < 1 || db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'run_keys'").get() !== undefined) return;
  throw new WorkspaceInvalidError(path, 'it was written by a pre-release build (an earlier layout of schema 1); create a new workspace, or open it with that build to export its runs');
}

function configure(db: SqliteDatabase, path: string, o: OpenWorkspaceDbOptions): void {
  const readonly = o.readonly === true;
  const isNew = checkIdentity(db, path);
  if (readonly && isNew) throw new WorkspaceInvalidError(path, 'the database is empty');
  // An existing empty SQLite database is somebody's file: only `create` may turn it into a workspace.
  if (isNew && o.create === false && db.pragma('page_count', { simple: true }) !== 0) {
    throw new WorkspaceInvalidError(path, 'it is an empty SQLite database with no workspace tables; create a workspace instead');
  }
  if (!isNew) checkPreRelease(db, path);
  // Before the first write (journal mode, migrations): a damaged file must not be changed at all.
  if (o.checkIntegrity && !isNew) checkQuick(db, path);
  db.pragma('foreign_keys = ON');
  // Set before the file is first written; fixed for the file's life after that (see PAGE_SIZE).
  if (isNew && !readonly) db.pragma(`page_size = ${PAGE_SIZE}`);
  if (!readonly) {
    // WAL: readers never block the writer and a crash never leaves a half-written page.
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${o.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    db.pragma(`wal_autocheckpoint = ${autocheckpointPages(o)}`);
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  }
  db.pragma('cache_size = -16000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < LATEST_SCHEMA_VERSION) {
    if (readonly) throw new WorkspaceInvalidError(path, `schema version ${version} needs an upgrade; open it once without readonly`);
    migrate(db);
    checkIdentity(db, path); // another process may have migrated it to a newer version meanwhile
  }
}

function checkQuick(db: SqliteDatabase, path: string): void {
  const problems = db.pragma('quick_check(5)', { simple: false }) as { quick_check: string }[];
  const bad = problems.map((p) => p.quick_check).filter((p) => p !== 'ok');
  if (bad.length > 0) throw new WorkspaceCorruptError(path, bad.join('; '));
}

/**
 * A read-only connection cannot remove the `-wal`/`-shm` pair it made SQLite create (only a
 * writer that finds itself the last connection may). When the pair was not there before, a
 * writable connection that only reads the schema closes after it: SQLite then removes the pair
 * if, and only if, no other process still uses it. The WAL is empty, so no page is written; where
 * the file cannot be opened for writing the pair stays (harmless: empty).
 */
function tidyAfterReadOnly(path: string): void {
  try {
    const db = new Database(path, { fileMustExist: true });
    try {
      db.pragma('schema_version');
    } finally {
      db.close();
    }
  } catch {
    // Leaving the pair is harmless; failing the caller's close over it is not.
  }
}

function autocheckpointPages(o: OpenWorkspaceDbOptions): number {
  return Math.max(0, Math.floor(o.walAutocheckpointPages ?? WAL_AUTOCHECKPOINT_PAGES));
}

/** Opens (creating and migrating when allowed) the SQLite file of a workspace. */
export function openWorkspaceDb(path: string, options: OpenWorkspaceDbOptions = {}): WorkspaceDb {
  const readonly = options.readonly === true;
  const mayCreate = !readonly && options.create !== false;
  checkFile(path, mayCreate);
  if (mayCreate) createPrivate(path);
  const hadSidecars = readonly && hasWalSidecars(path);
  let db: SqliteDatabase;
  try {
    db = new Database(path, { readonly, fileMustExist: !mayCreate, timeout: options.busyTimeoutMs ?? 5000 });
  } catch (err) {
    if (err instanceof TypeError) throw new WorkspaceInvalidError(path, err.message);
    throw translateSqliteError(err, path);
  }
  try {
    configure(db, path, options);
  } catch (err) {
    db.close();
    throw translateSqliteError(err, path);
  }
  const wdb = new WorkspaceDb(db, path, readonly);
  if (readonly && !hadSidecars) wdb.whenClosed(() => tidyAfterReadOnly(path));
  const background = options.backgroundCheckpoints ?? true;
  if (!readonly && background !== false) {
    wdb.useCheckpointer(new WalCheckpointer(db, path, { ...(background === true ? {} : background), autocheckpointPages: autocheckpointPages(options) }));
  }
  return wdb;
}
