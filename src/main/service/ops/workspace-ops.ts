import { existsSync, statSync } from 'node:fs';
import { RuntimeError } from '../../../runtime/errors';
import { unwritableReason } from '../../../runtime/storage/sqlite/file-access';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { StudioError } from '../../../shared/contract/errors';
import { type EventMap } from '../../../shared/contract/events';
import { type ServiceContext } from '../service-context';
import { isPythonSqliteStore } from '../../../runtime/storage/python-sqlite/index';
import { SqliteWorkspace } from '../../../runtime/storage/sqlite/index';
import { PythonFolderSession } from '../sessions/python-folder-session';
import { type ReadSession } from '../sessions/session';
import { SqliteInspectionSession } from '../sessions/sqlite-inspection-session';
import { PythonSqliteSession } from '../sessions/python-sqlite-session';
import { PostgresSession } from '../sessions/postgres-session';
import { attachedName, isPostgresUrl, parseAttachUrl, passwordKey } from '../sessions/postgres-url';
import { SqliteSession } from '../sessions/sqlite-session';
import { readWorkspaceConfig } from '../workspace-config';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

export const currentWorkspace: Handler<'workspace.current'> = async (ctx) => ctx.current()?.info ?? null;

export const listWorkspaces: Handler<'workspace.list'> = async (ctx) => {
  const current = ctx.current();
  const infos = current ? [current.info] : [];
  for (const path of ctx.recentWorkspaces()) {
    if (infos.some((i) => i.path === path)) continue;
    // A PostgreSQL workspace is remembered by its URL without the password (kept as a secret).
    if (isPostgresUrl(path)) {
      infos.push({ id: path, name: attachedName(path), path, kind: 'postgres', layout: 'PostgreSQL workspace: its workers run the workflows', readOnly: false, workflowDirs: [], loadErrors: [] });
      continue;
    }
    if (!existsSync(path)) continue;
    infos.push({ id: path, name: path.split(/[\\/]/).pop() ?? path, path, kind: 'sqlite', readOnly: false, workflowDirs: [], loadErrors: [] });
  }
  return infos;
};

/**
 * A Studio workspace file, writable when it may be written and is sound; otherwise open for
 * inspection, saying why: a file that cannot be written (every write would fail), or one that
 * SQLite's quick_check finds damaged (writing it could spread the damage).
 */
async function openSqlite(ctx: ServiceContext, path: string, create: boolean): Promise<ReadSession> {
  const unwritable = existsSync(path) ? unwritableReason(path) : null;
  if (unwritable) return SqliteInspectionSession.open(path, `${unwritable}, so it is open read-only: runs can be read and verified, not changed`);
  // A new file is asked about too: a sidecar naming folders can be waiting where it is created.
  const untrusted = await untrustedSession(ctx, path, create);
  if (untrusted) return untrusted;
  try {
    return await openWritable(ctx, path, create);
  } catch (e) {
    if (!(e instanceof RuntimeError) || e.code !== 'WORKSPACE_CORRUPT') throw e;
    return SqliteInspectionSession.open(path, `${e.message} It is open read-only and will not be written.`);
  }
}

/**
 * A workspace whose settings name workflow folders runs their code only once the user trusts it
 * (with those folders): until then, and after a refusal, it opens for inspection, loading nothing.
 */
async function untrustedSession(ctx: ServiceContext, path: string, create: boolean): Promise<SqliteInspectionSession | null> {
  const folders = (await readWorkspaceConfig(path)).workflowDirs;
  if (folders.length === 0) return null;
  const state = ctx.trust.stateOf(path, folders);
  if (state === 'trusted') return null;
  // Created empty (schema only, nothing loaded) so that it can be inspected and then trusted.
  if (!existsSync(path)) {
    if (!create) return null;
    SqliteWorkspace.open(path, { create: true }).close();
  }
  const reason =
    state === 'refused'
      ? 'you chose not to trust the code this workspace names, so it is open for inspection only: nothing in it is loaded or run'
      : 'it names workflow folders whose code would run on this computer; until you trust it, it is open for inspection only';
  const s = SqliteInspectionSession.open(path, reason, folders);
  s.info.trust = { state, folders };
  return s;
}

export const trustWorkspace: Handler<'workspace.trust'> = async (ctx, req) => {
  const path = ctx.guard.check(req.path);
  if (!existsSync(path) || !statSync(path).isFile()) throw new StudioError('NOT_FOUND', `There is no workspace file at ${path}.`);
  // The folders as the sidecar names them now: the answer covers exactly what the user was shown.
  await ctx.trust.decide(path, (await readWorkspaceConfig(path)).workflowDirs, req.trusted);
  const s = await openSqlite(ctx, path, false);
  await ctx.switchTo(s);
  return s.info;
};

function openWritable(ctx: ServiceContext, path: string, create: boolean): Promise<SqliteSession> {
  return SqliteSession.open({
    path,
    create,
    secrets: ctx.secrets,
    extraWorkflowDirs: ctx.demoWorkflowDir ? [ctx.demoWorkflowDir] : [],
    keyProtector: ctx.keyProtector,
    user: ctx.user,
    // Announced only while it is the open workspace: a closing one's reload is news to nobody.
    onWorkflowsChanged: (info, workflows) => {
      if (ctx.current()?.info === info) ctx.events.emit('workflows.changed', { sourceId: info.id, workspace: info, workflows });
    },
    onDriveError: (runId, e) => {
      // Another live process took the run first (an app driving it): its run, not an error here.
      if (e instanceof RuntimeError && e.code === 'RUN_LOCKED') return;
      ctx.events.emit('run.driveError', driveErrorOf(runId, e));
    },
  });
}

/** A drive that threw, as its own event on that run (the run's stop says the same). */
function driveErrorOf(runId: string, e: unknown): EventMap['run.driveError'] {
  const code = typeof (e as { code?: unknown } | null)?.code === 'string' ? (e as { code: string }).code : null;
  return { runId, message: e instanceof Error ? e.message : String(e), code };
}

/**
 * Attaches to a PostgreSQL workspace. The password typed in the URL goes to the secret store (the
 * OS keychain in the desktop app, memory in the web host), kept by the URL without it, and only
 * once the workspace opened: a URL that fails saves nothing. A URL without a password uses the one
 * kept for it. What is shown and remembered is the URL without the password.
 */
async function openPostgres(ctx: ServiceContext, text: string): Promise<ReadSession> {
  const url = parseAttachUrl(text);
  const key = passwordKey(url.shown);
  const password = url.password ?? (await ctx.secrets.get(key));
  const s = await PostgresSession.open({ url, password, user: ctx.user, keyProtector: ctx.keyProtector });
  if (url.password !== null) await ctx.secrets.set(key, url.password);
  return s;
}

export const openWorkspace: Handler<'workspace.open'> = async (ctx, req) => {
  if (isPostgresUrl(req.path)) {
    const pg = await openPostgres(ctx, req.path);
    await ctx.switchTo(pg);
    return pg.info;
  }
  const path = ctx.guard.check(req.path);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new StudioError('NOT_FOUND', `There is no workspace file at ${path}. Create a workspace there, or pick an existing .sqlite file.`);
  }
  // A Python 0.4 SQLite store is told by its content and opened read-only, never as a workspace.
  const s = isPythonSqliteStore(path) ? PythonSqliteSession.open(path) : await openSqlite(ctx, path, false);
  await ctx.switchTo(s);
  return s.info;
};

export const createWorkspace: Handler<'workspace.create'> = async (ctx, req) => {
  const path = ctx.guard.check(req.path);
  if (existsSync(path)) throw new StudioError('CONFLICT', `${path} already exists. Open it instead, or choose another name.`);
  const s = await openSqlite(ctx, path, true);
  await ctx.switchTo(s);
  return s.info;
};

/** A Python data folder (0.2 or 0.4), or a Python 0.4 SQLite store file: both read-only. */
export const openPythonFolder: Handler<'workspace.openPythonFolder'> = async (ctx, req) => {
  const path = ctx.guard.check(req.path);
  if (existsSync(path) && statSync(path).isFile()) {
    if (!isPythonSqliteStore(path)) throw new StudioError('BAD_REQUEST', `${path} is a file but not a Python AbstractRuntime SQLite store. Pick a Python data folder or a 0.4 SQLite file.`);
    const store = PythonSqliteSession.open(path);
    await ctx.switchTo(store);
    return store.info;
  }
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new StudioError('NOT_FOUND', `There is no folder at ${path}.`);
  const s = await PythonFolderSession.open(path);
  await ctx.switchTo(s);
  return s.info;
};

export { openSqlite };
