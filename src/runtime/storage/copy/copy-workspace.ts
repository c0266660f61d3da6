/**
 * `copyWorkspace`: every run (with every saved state, so time travel works on the copy), record,
 * artifact, snapshot, key and checkpoint of a workspace into a new one, SQLite or PostgreSQL
 * either way. The target is built apart and put in place only when complete and checked.
 *
 * Each record keeps who wrote it (PostgreSQL's `written_by`, SQLite's `record_writers`) and its
 * trace link. Records are written through the target's own step writer, which chains them afresh; the copy
 * is kept only if every record's hash comes out as the source's and every run's provenance
 * verdict (chain, record signatures, checkpoints, keys) is the source's. A source whose chain
 * does not verify is refused: a copy must not launder a broken run into a fresh-looking one.
 */
import { randomBytes } from 'node:crypto';
import { type StepRecord } from '../../core/models';
import { parseIsoTimestamp } from '../../json/timestamp';
import { verifyLedgerChain } from '../../ledger/chain-verifier';
import { type ActorKey } from '../../provenance/keys/actor-key';
import { verifyProvenance } from '../../provenance/verify/verify-provenance';
import { type CheckpointInfo } from '../sqlite/checkpoints';
import { openCopySource, openCopyTarget, type CopySide, type CopyStep, type CopyTarget } from './copy-endpoints';
import { CopyMismatchError, CopySourceDamagedError } from './copy-errors';

export interface CopyCounts {
  runs: number;
  /** Tombstones of deleted runs. */
  tombstones: number;
  records: number;
  states: number;
  artifacts: number;
  snapshots: number;
  keys: number;
  checkpoints: number;
}

export interface CopyResult extends CopyCounts {
  source: string;
  target: string;
  /** Runs whose chain (and signatures and checkpoints, where any) verified on the copy. */
  verifiedRuns: number;
}

export interface CopyOptions {
  /** Called now and then with what is done so far. */
  onProgress?: (done: CopyCounts) => void;
}

const ALL = Number.MAX_SAFE_INTEGER;
const STATE_PAGE = 1000;

/** A clock the copy sets before each stamped write, so artifacts and snapshots keep their own times. */
class ReplayClock {
  micros = 0;
  nowMicros(): number {
    return this.micros;
  }
  set(iso: string, what: string, target: string): void {
    const m = parseIsoTimestamp(iso);
    if (m === null) throw new CopyMismatchError(target, `${what} has the time ${JSON.stringify(iso)}, which cannot be written again as it is`);
    this.micros = m;
  }
}

async function allStates(side: CopySide, runId: string): Promise<CheckpointInfo[]> {
  const out: CheckpointInfo[] = [];
  for (let page = await side.listCheckpoints(runId, { limit: STATE_PAGE }); page.length > 0; page = await side.listCheckpoints(runId, { limit: STATE_PAGE, after: page.at(-1)! })) {
    out.push(...page);
    if (page.length < STATE_PAGE) break;
  }
  return out;
}

/**
 * The commits that rebuild a run: each saved state with the records up to its seq ((s, 0) is
 * the state committed with record s; (s, n > 0) one saved later at the same head), and the
 * records after the last state on their own.
 */
export function replaySteps(records: readonly StepRecord[], states: readonly CheckpointInfo[]): CopyStep[] {
  const steps: CopyStep[] = [];
  let next = 0;
  const upTo = (seq: number): StepRecord[] => {
    const part = records.slice(next, seq + 1);
    next = Math.max(next, seq + 1);
    return part;
  };
  for (const s of states) {
    if (s.n === 0 && s.seq >= next) steps.push({ run: s.state, records: upTo(s.seq) });
    else {
      const pending = upTo(s.seq);
      if (pending.length > 0) steps.push({ run: null, records: pending });
      steps.push({ run: s.state, records: [] });
    }
  }
  if (next < records.length) steps.push({ run: null, records: records.slice(next) });
  return steps;
}

/** Copies one run; returns its record and state counts. */
async function copyRun(from: CopySide, to: CopyTarget, runId: string): Promise<{ records: number; states: number }> {
  const records = await from.ledger.list(runId);
  const chain = verifyLedgerChain(records);
  if (!chain.ok) {
    throw new CopySourceDamagedError(from.name, `the ledger of run ${runId} does not verify at record ${chain.firstBadIndex ?? '?'}`, { runId, seq: chain.firstBadIndex });
  }
  let states: CheckpointInfo[];
  try {
    states = await allStates(from, runId);
  } catch (err) {
    throw new CopySourceDamagedError(from.name, `the saved states of run ${runId} cannot be read (${err instanceof Error ? err.message : String(err)})`, { runId });
  }
  const current = await from.load(runId);
  if (current && states.length === 0) states = [{ seq: records.length - 1, n: 1, state: current }];
  const hashes = records.map((r) => r.recordHash);
  const fresh = records.map((r) => ({ ...r, prevHash: null, recordHash: null }));
  await to.commitRun(replaySteps(fresh, states), await from.forkOrigin(runId));
  const bad = fresh.findIndex((r, i) => r.recordHash !== hashes[i]);
  if (bad >= 0) throw new CopyMismatchError(to.name, `record ${bad} of run ${runId} hashes differently on the copy`, { runId, seq: bad });
  await copyRecordProvenance(from, to, runId, records.length);
  return { records: records.length, states: states.length };
}

/**
 * Who wrote each record, where each traced one sits in its trace, and the run's archive mark. Every seq is set: the
 * target's own commits named the copying process as writer (PostgreSQL stamps every record),
 * which wrote none of them; a record whose source names no writer names none on the copy.
 */
async function copyRecordProvenance(from: CopySide, to: CopyTarget, runId: string, count: number): Promise<void> {
  const known = await from.writersOf(runId);
  await to.keepWriters(runId, new Map(Array.from({ length: count }, (_, seq) => [seq, known.get(seq) ?? null])));
  await to.keepTraceLinks(runId, await from.traceLinksOf(runId));
  const archived = await from.archivedOf(runId);
  if (archived) await to.keepArchived(runId, archived);
}

/** Writers and trace links of a run (and its archive mark) as text, so the copy's can be compared to the source's. */
async function recordProvenance(side: CopySide, runId: string): Promise<string> {
  return JSON.stringify([[...(await side.writersOf(runId))], [...(await side.traceLinksOf(runId))], await side.archivedOf(runId)]);
}

/** What is left of the deleted runs, checked on the copy as written. */
async function copyTombstones(from: CopySide, to: CopyTarget): Promise<number> {
  const tombs = await from.tombstones();
  for (const t of tombs) await to.keepTombstone(t);
  if (JSON.stringify(await to.tombstones()) !== JSON.stringify(tombs)) throw new CopyMismatchError(to.name, 'the tombstones of deleted runs differ on the copy');
  return tombs.length;
}

async function copyArtifacts(from: CopySide, to: CopyTarget, clock: ReplayClock): Promise<number> {
  // Oldest first, so the copy lists them in the same order.
  const metas = (await from.artifacts.listAll({ limit: ALL })).reverse();
  for (const meta of metas) {
    const a = await from.artifacts.load(meta.artifactId);
    if (!a || a.content.byteLength !== meta.sizeBytes) throw new CopySourceDamagedError(from.name, `artifact ${meta.artifactId} is missing or not its recorded size`, { artifactId: meta.artifactId });
    clock.set(meta.createdAt, `artifact ${meta.artifactId}`, to.name);
    const stored = await to.artifacts.store(a.content, { artifactId: meta.artifactId, contentType: meta.contentType, runId: meta.runId, tags: meta.tags });
    if (stored.createdAt !== meta.createdAt) throw new CopyMismatchError(to.name, `artifact ${meta.artifactId} would be stamped ${stored.createdAt}, not ${meta.createdAt}`);
  }
  return metas.length;
}

async function copySnapshots(from: CopySide, to: CopyTarget, clock: ReplayClock): Promise<number> {
  const snaps = (await from.snapshots.list({ limit: ALL })).reverse();
  for (const s of snaps) {
    const full = await from.snapshots.load(s.snapshotId);
    if (!full) continue; // deleted while we read: not there to copy
    const updatedAt = full.updatedAt;
    clock.set(updatedAt, `snapshot ${s.snapshotId}`, to.name);
    await to.snapshots.save(full); // stamps updatedAt from the clock: its own time again
    if (full.updatedAt !== updatedAt) throw new CopyMismatchError(to.name, `snapshot ${s.snapshotId} would be stamped ${full.updatedAt}, not ${updatedAt}`);
  }
  return snaps.length;
}

/** Keys, then each run's checkpoints; returns their counts. */
async function copyProvenance(from: CopySide, to: CopyTarget, runIds: readonly string[]): Promise<{ keys: number; checkpoints: number }> {
  const keys = await from.actorKeys.list();
  for (const k of keys) await to.actorKeys.put(k);
  let checkpoints = 0;
  for (const runId of runIds) {
    for (const cp of await from.chainCheckpoints.list(runId)) {
      await to.chainCheckpoints.append(runId, cp);
      checkpoints++;
    }
  }
  return { keys: keys.length, checkpoints };
}

/** The provenance verdict of a run as finding codes: the copy's must be the source's. */
async function verdict(side: CopySide, runId: string, keys: readonly ActorKey[]): Promise<string> {
  const records = await side.ledger.list(runId);
  const checkpoints = await side.chainCheckpoints.list(runId);
  const report = verifyProvenance({ records, checkpoints, keys, runId });
  return JSON.stringify([report.chain.ok, report.records, report.headHash, report.findings.map((f) => `${f.severity}:${f.code}`).sort()]);
}

async function verifyCopy(from: CopySide, to: CopyTarget, runIds: readonly string[]): Promise<number> {
  const [keysFrom, keysTo] = [(await from.actorKeys.list()).map((k) => k.key), (await to.actorKeys.list()).map((k) => k.key)];
  for (const runId of runIds) {
    const [a, b] = [await verdict(from, runId, keysFrom), await verdict(to, runId, keysTo)];
    if (a !== b) throw new CopyMismatchError(to.name, `run ${runId} does not verify on the copy as it does at the source`, { runId });
    if ((await recordProvenance(from, runId)) !== (await recordProvenance(to, runId))) {
      throw new CopyMismatchError(to.name, `the writers, trace links or archive mark of run ${runId} differ on the copy`, { runId });
    }
    const chain = verifyLedgerChain(await to.ledger.list(runId));
    if (!chain.ok) throw new CopyMismatchError(to.name, `the chain of run ${runId} does not verify on the copy`, { runId });
  }
  return runIds.length;
}

export async function copyWorkspace(fromSpec: string, toSpec: string, options: CopyOptions = {}): Promise<CopyResult> {
  const clock = new ReplayClock();
  const from = await openCopySource(fromSpec);
  let to: CopyTarget | null = null;
  let done = false;
  try {
    to = await openCopyTarget(toSpec, clock, randomBytes(4).toString('hex'));
    const counts: CopyCounts = { runs: 0, tombstones: 0, records: 0, states: 0, artifacts: 0, snapshots: 0, keys: 0, checkpoints: 0 };
    const runIds = await from.allRunIds();
    for (const runId of runIds) {
      const c = await copyRun(from, to, runId);
      counts.runs++;
      counts.records += c.records;
      counts.states += c.states;
      if (counts.runs % 100 === 0) options.onProgress?.({ ...counts });
    }
    counts.tombstones = await copyTombstones(from, to);
    counts.artifacts = await copyArtifacts(from, to, clock);
    counts.snapshots = await copySnapshots(from, to, clock);
    Object.assign(counts, await copyProvenance(from, to, runIds));
    options.onProgress?.({ ...counts });
    const verifiedRuns = await verifyCopy(from, to, runIds);
    const target = to.name;
    await to.finish();
    done = true;
    return { ...counts, source: from.name, target, verifiedRuns };
  } catch (err) {
    // Nothing half-built is left behind: the temporary file or schema goes, the target was never touched.
    if (to && !done) await to.discard().catch(() => undefined);
    throw err;
  } finally {
    await from.close().catch(() => undefined);
  }
}
