import { encodeRunState, formatIsoTimestamp, pyJsonDumps, systemClock } from '../../../runtime/index';
import { type LedgerEntry } from '../../../shared/contract/domain';
import { StudioError } from '../../../shared/contract/errors';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { toChainSummary, toLedgerEntry, toLedgerRecord } from '../dto/ledger-dto';
import { loadRunOr404, session, type ServiceContext } from '../service-context';
import { type ReadSession, type VerifiedHead } from '../sessions/session';
import { diffJson } from '../state-diff';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

/** How far one page request may scan for filtered records before answering with what it found. */
const MAX_SCAN = 20_000;

/**
 * Timeline rows (no JSON texts: `ledger.record` has those). A page reads records only: a run with
 * records exists, so only an empty ledger asks for the run (to tell "no records yet" from "no run").
 */
export const ledgerPage: Handler<'ledger.page'> = async (ctx, req) => {
  const s = session(ctx);
  const total = await s.ledgerCount(req.runId);
  if (total === 0) await loadRunOr404(s, req.runId);
  const filtered = Boolean(req.status || req.effectType || req.nodeId);
  const entries: LedgerEntry[] = [];
  let from = req.fromSeq;
  while (entries.length < req.limit && from < total && from - req.fromSeq < (filtered ? MAX_SCAN : req.limit)) {
    const page = await s.ledgerPage(req.runId, from, filtered ? 1000 : req.limit);
    if (page.length === 0) break;
    for (const { seq, record } of page) {
      if (req.status && record.status !== req.status) continue;
      if (req.effectType && record.effect?.type !== req.effectType) continue;
      if (req.nodeId && record.nodeId !== req.nodeId) continue;
      if (entries.length < req.limit) entries.push(toLedgerEntry(seq, record));
    }
    from = page.at(-1)!.seq + 1;
  }
  attachTraceLinks(s, req.runId, entries);
  return { runId: req.runId, total, fromSeq: req.fromSeq, entries };
};

/** One record in full, for the record a person selected. */
export const ledgerRecord: Handler<'ledger.record'> = async (ctx, req) => {
  const s = session(ctx);
  const [hit] = await s.ledgerPage(req.runId, req.seq, 1);
  // A page starts at the next record there is: a removed row answers its successor, which is not it.
  if (hit && hit.seq === req.seq) {
    const record = toLedgerRecord(hit.seq, hit.record);
    attachTraceLinks(s, req.runId, [record]);
    return record;
  }
  const count = await s.ledgerCount(req.runId);
  if (count === 0) await loadRunOr404(s, req.runId);
  const has = count === 0 ? 'has no ledger records yet' : `has ${count} ledger records (seq 0 to ${count - 1})`;
  throw new StudioError('NOT_FOUND', `Run ${req.runId} ${has}; there is no record ${req.seq}. The run may have been restored or its file edited: reload the run.`, {
    runId: req.runId,
    seq: req.seq,
  });
};

/**
 * The trace and span ids of the page's records, read once for its seq range. Only traced records
 * get the field, so a row reads the same from a page and from a `ledger.appended` event.
 */
function attachTraceLinks(s: ReadSession, runId: string, entries: LedgerEntry[]): void {
  if (!s.traceLinks || entries.length === 0) return;
  const links = s.traceLinks(runId, entries[0]!.seq, entries.at(-1)!.seq);
  for (const e of entries) {
    const link = links.get(e.seq);
    if (link) e.trace = link;
  }
}

/** The newest head each session verified intact, per run, and the source's change counter before it was read. */
const verifiedHeads = new WeakMap<ReadSession, Map<string, VerifiedHead & { counter: number }>>();

/**
 * Verifies a run's chain as a job. A run verified before by this session, with nobody else's write
 * to the source since (its change counter unchanged), is verified from its last verified head:
 * only the records appended after it are read. Any other write (a changed row below the head, a
 * restore from another process) changes the counter, and the whole run is verified again.
 */
export const verifyLedger: Handler<'ledger.verify'> = async (ctx, req) => {
  const s = session(ctx);
  await loadRunOr404(s, req.runId);
  const counter = s.externalChangeCounter();
  // The same run of the same source at the same length, with nobody else's write in between (a
  // changed row keeps the length): one job answers every such request.
  const key = JSON.stringify([s.info.id, req.runId, await s.ledgerCount(req.runId), counter]);
  const heads = verifiedHeads.get(s) ?? new Map<string, VerifiedHead & { counter: number }>();
  verifiedHeads.set(s, heads);
  const jobId = ctx.jobs.start(
    'verify',
    async (progress) => {
      // Read when the job runs (it may have waited its turn), before the records are.
      const before = s.externalChangeCounter();
      const known = heads.get(req.runId);
      const after = known && before !== null && known.counter === before ? { seq: known.seq, hash: known.hash } : undefined;
      const report = await s.verify(req.runId, progress, after);
      if (before !== null && report.ok && report.chain === 'verified' && report.headHash && report.count > 0) {
        heads.set(req.runId, { seq: report.count - 1, hash: report.headHash, counter: before });
      } else heads.delete(req.runId);
      return toChainSummary({ runId: req.runId, sourceId: s.info.id }, report, formatIsoTimestamp(systemClock.nowMicros()));
    },
    key,
  );
  return { jobId };
};

async function stateText(ctx: ServiceContext, runId: string, seq: number): Promise<{ json: string; value: ReturnType<typeof encodeRunState> }> {
  const s = session(ctx);
  // The store answers a seq past the end with the latest state, which would claim a record exists.
  const count = await s.ledgerCount(runId);
  if (seq >= count) throw new StudioError('NOT_FOUND', `Run ${runId} has ${count} ledger records (seq 0 to ${count - 1}); there is no record ${seq}.`);
  const state = await s.stateAt(runId, seq);
  if (!state) {
    throw new StudioError(
      'NOT_FOUND',
      s.info.kind === 'python-folder'
        ? `A Python data folder keeps only the final state of a run; the state at record ${seq} is not known.`
        : s.info.kind === 'bundle'
          ? `An audit bundle holds the run's ledger, not its saved states; the state at record ${seq} is not known.`
          : s.info.kind === 'postgres'
            ? `A PostgreSQL workspace keeps each run's current state only; the state at record ${seq} is not known (the record itself shows what the step did).`
            : `Run ${runId} has no saved state at record ${seq}.`,
    );
  }
  const value = encodeRunState(state);
  return { json: pyJsonDumps(value, { indent: 2 }), value };
}

export const stateAt: Handler<'ledger.stateAt'> = async (ctx, req) => {
  await loadRunOr404(session(ctx), req.runId);
  return { runId: req.runId, seq: req.seq, stateJson: (await stateText(ctx, req.runId, req.seq)).json };
};

/** The state before (`fromSeq`, or before the first record when null) and after `toSeq`, as changes. */
export const stateDiff: Handler<'ledger.diff'> = async (ctx, req) => {
  await loadRunOr404(session(ctx), req.runId);
  const fromSeq = req.fromSeq ?? -1;
  const before = await stateText(ctx, req.runId, fromSeq);
  const after = await stateText(ctx, req.runId, req.toSeq);
  return { runId: req.runId, fromSeq, toSeq: req.toSeq, changes: diffJson(before.value, after.value) };
};

export const getJob: Handler<'jobs.get'> = async (ctx, req) => ctx.jobs.get(req.jobId);
