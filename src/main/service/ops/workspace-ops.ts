import { existsSync, statSync } from 'node:fs';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { StudioError } from '../../../shared/contract/errors';
import { session, type ServiceContext } from '../service-context';
import { isPythonSqliteStore } from '../../../runtime/storage/python-sqlite/index';
import { PythonFolderSession } from '../sessions/python-folder-session';
import { PythonSqliteSession } from '../sessions/python-sqlite-session';
import { SqliteSession } from '../sessions/sqlite-session';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

export const currentWorkspace: Handler<'workspace.current'> = async (ctx) => ctx.current()?.info ?? null;

export const listWorkspaces: Handler<'workspace.list'> = async (ctx) => {
  const current = ctx.current();
  const infos = current ? [current.info] : [];
  for (const path of ctx.recentWorkspaces()) {
    if (infos.some((i) => i.path === path) || !existsSync(path)) continue;
    infos.push({ id: path, name: path.split(/[\\/]/).pop() ?? path, path, kind: 'sqlite', readOnly: false, workflowDirs: [], loadErrors: [] });
  }
  return infos;
};

async function openSqlite(ctx: ServiceContext, path: string, create: boolean): Promise<SqliteSession> {
  return SqliteSession.open({
    path,
    create,
    secrets: ctx.secrets,
    extraWorkflowDirs: ctx.demoWorkflowDir ? [ctx.demoWorkflowDir] : [],
    keyProtector: ctx.keyProtector,
    user: ctx.user,
    onDriveError: (runId, e) => ctx.events.emit('scheduler.status', { ...schedulerIdle(), lastError: `Run ${runId}: ${e instanceof Error ? e.message : String(e)}` }),
  });
}

const schedulerIdle = () => ({ running: false, runsResumed: 0, runsFailed: 0, pollCycles: 0, lastPollAt: null, lastError: null, nextWakeAt: null });

export const openWorkspace: Handler<'workspace.open'> = async (ctx, req) => {
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

export const listWorkflows: Handler<'workflows.list'> = async (ctx) => session(ctx).workflows();

export { openSqlite };
