import { decodeRunState, encodeRunState, snapshotFromRun, type Snapshot } from '../../../runtime/index';
import { type SnapshotInfo } from '../../../shared/contract/domain';
import { StudioError } from '../../../shared/contract/errors';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { changeable, control, detailOf, loadRunOr404, session, type ServiceContext } from '../service-context';
import { assertNotHeldElsewhere } from '../run-requests/act-or-ask';
import { diffJson } from '../state-diff';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

export function toSnapshotInfo(s: Snapshot): SnapshotInfo {
  const st = s.runState;
  return {
    snapshotId: s.snapshotId,
    runId: s.runId,
    stepId: s.stepId,
    name: s.name,
    description: s.description,
    tags: [...s.tags],
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    currentNode: typeof st['current_node'] === 'string' ? st['current_node'] : null,
    status: typeof st['status'] === 'string' ? (st['status'] as SnapshotInfo['status']) : null,
  };
}

async function loadSnapshot(ctx: ServiceContext, snapshotId: string): Promise<Snapshot> {
  const snap = await session(ctx).snapshots.load(snapshotId);
  if (!snap) throw new StudioError('NOT_FOUND', `No snapshot ${snapshotId}: it may have been deleted.`);
  return snap;
}

export const listSnapshots: Handler<'snapshots.list'> = async (ctx, req) =>
  (await session(ctx).snapshots.list({ runId: req.runId ?? null, tag: req.tag ?? null, query: req.query ?? null, limit: 10_000 })).map(toSnapshotInfo);

export const createSnapshot: Handler<'snapshots.create'> = async (ctx, req) => {
  const s = changeable(ctx);
  const current = await loadRunOr404(s, req.runId);
  const count = await s.ledgerCount(current.runId);
  const at = req.seq ?? count - 1;
  if (req.seq !== undefined && req.seq >= count) {
    throw new StudioError('NOT_FOUND', `Run ${req.runId} has ${count} ledger records (seq 0 to ${count - 1}); there is no record ${req.seq} to bookmark. Reload the run.`);
  }
  const last = at >= 0 ? (await s.ledgerPage(current.runId, at, 1))[0] : undefined;
  // Time travel: a bookmark at a record holds the state saved after it, not the run's state now.
  const run = req.seq === undefined ? current : await s.stateAt(current.runId, req.seq);
  if (!run) throw new StudioError('NOT_FOUND', `Run ${req.runId} has no saved state at record ${req.seq}, so it cannot be bookmarked there.`);
  const snap = snapshotFromRun({ run, name: req.name, description: req.description ?? null, tags: req.tags, stepId: last?.record.stepId ?? null });
  await s.snapshots.save(snap);
  return toSnapshotInfo(snap);
};

export const updateSnapshot: Handler<'snapshots.update'> = async (ctx, req) => {
  const s = changeable(ctx);
  const snap = await loadSnapshot(ctx, req.snapshotId);
  if (req.name !== undefined) snap.name = req.name;
  if (req.description !== undefined) snap.description = req.description ?? null;
  if (req.tags !== undefined) snap.tags = [...req.tags];
  await s.snapshots.save(snap);
  return toSnapshotInfo(snap);
};

export const deleteSnapshot: Handler<'snapshots.delete'> = async (ctx, req) => ({ deleted: await changeable(ctx).snapshots.delete(req.snapshotId) });

export const previewRestore: Handler<'snapshots.previewRestore'> = async (ctx, req) => {
  const snap = await loadSnapshot(ctx, req.snapshotId);
  const current = await loadRunOr404(session(ctx), snap.runId);
  return { snapshot: toSnapshotInfo(snap), changes: diffJson(encodeRunState(current), snap.runState) };
};

/** Writes the snapshot's state back to its run (recorded in the ledger), paused so nothing runs until the user continues. */
export const restoreSnapshot: Handler<'snapshots.restore'> = async (ctx, req) => {
  const read = session(ctx);
  const ask = read.capabilities.ask;
  if (ask) {
    // Attached to workers: the worker that holds (or next claims) the run restores it, recorded
    // with the person as actor and itself in \`via\`, and drives it on from there.
    const snap = await loadSnapshot(ctx, req.snapshotId);
    await loadRunOr404(read, snap.runId);
    await ask.ask(snap.runId, { kind: 'restore', snapshotId: snap.snapshotId }, ctx.actorId);
    return detailOf(read, snap.runId);
  }
  const s = control(ctx);
  const snap = await loadSnapshot(ctx, req.snapshotId);
  await loadRunOr404(s, snap.runId);
  const state = decodeRunState(snap.runState, `snapshot ${snap.snapshotId}`);
  // Before pausing: a refused restore must leave the run as it was, unpaused too.
  assertNotHeldElsewhere(s, snap.runId);
  await s.driver.restore(snap.runId, state, { actorId: ctx.actorId, origin: { snapshot_id: snap.snapshotId, snapshot_name: snap.name } });
  return detailOf(s, snap.runId);
};
