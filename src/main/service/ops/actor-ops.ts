import { type ActorName } from '../../../shared/contract/domain';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { session, type ServiceContext } from '../service-context';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

/** The source's named actors, and this Studio's user (whose answers it records), each once. */
export const listActors: Handler<'workspace.actors'> = async (ctx) => {
  const byId = new Map<string, ActorName>();
  for (const a of await session(ctx).actorNames()) byId.set(a.actorId, a);
  const u = ctx.user;
  if (u.displayName && !byId.has(u.actorId)) byId.set(u.actorId, { actorId: u.actorId, kind: u.kind, displayName: u.displayName });
  return [...byId.values()];
};
