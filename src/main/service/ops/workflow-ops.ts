import { existsSync, statSync } from 'node:fs';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { StudioError } from '../../../shared/contract/errors';
import { session, type ServiceContext } from '../service-context';
import { inferWorkflowGraph } from '../workflow-inference';
import { readWorkspaceConfig, writeWorkspaceConfig } from '../workspace-config';
import { openSqlite } from './workspace-ops';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

export const listWorkflows: Handler<'workflows.list'> = async (ctx) => session(ctx).workflows();

/**
 * Adds a workflow folder to the open workspace and reopens it. The folder list is then one the
 * user has not answered for, so the workspace reopens untrusted and asks (workspace-ops
 * untrustedSession): the folder's modules run only after that answer.
 */
export const addWorkflowFolder: Handler<'workflows.addFolder'> = async (ctx, req) => {
  const s = session(ctx);
  const control = s.capabilities.control;
  // A workspace open writable, or one open for inspection only because its code is not trusted yet.
  if (s.info.kind !== 'sqlite' || (!control && !s.info.trust)) {
    throw new StudioError('READ_ONLY', `${s.info.name} cannot take workflow folders: ${s.info.readOnlyReason ?? 'it is not a Studio workspace'}. Open or create a workspace first.`);
  }
  const dir = ctx.guard.check(req.path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new StudioError('NOT_FOUND', `There is no folder at ${dir}. Give the folder that holds your workflow modules (.ts or .js files).`, { path: dir });
  const config = control ? control.settings : await readWorkspaceConfig(s.info.path);
  if (config.workflowDirs.includes(dir)) throw new StudioError('CONFLICT', `${dir} is already a workflow folder of ${s.info.name}.`, { path: dir });
  const next = { ...config, workflowDirs: [...config.workflowDirs, dir] };
  // Through the open session when there is one, so its own later writes keep the new list.
  if (control) await control.updateSettings(next);
  else await writeWorkspaceConfig(s.info.path, next);
  const reopened = await openSqlite(ctx, s.info.path, false);
  await ctx.switchTo(reopened);
  return reopened.info;
};

export const inferredGraph: Handler<'workflows.inferred'> = async (ctx, req) => inferWorkflowGraph(session(ctx), req.workflowId);
