import { randomUUID } from 'node:crypto';
import { encodeRunState } from '../core/codecs';
import { type RunState } from '../core/models';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../json/json-value';
import { formatIsoTimestamp, systemClock, type Clock } from '../json/timestamp';
import { InvalidArgumentError } from '../errors';

/** A named bookmark of a run's state. `runState` is the snake_case dict (`asdict(RunState)`). */
export interface Snapshot {
  snapshotId: string;
  runId: string;
  stepId: string | null;
  name: string;
  description: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  runState: JsonObject;
}

export interface SnapshotFromRunOptions {
  run: RunState;
  name: string;
  description?: string | null;
  tags?: string[] | null;
  stepId?: string | null;
  clock?: Clock;
  newId?: () => string;
}

export function snapshotFromRun(o: SnapshotFromRunOptions): Snapshot {
  const clock = o.clock ?? systemClock;
  const createdAt = formatIsoTimestamp(clock.nowMicros());
  const updatedAt = formatIsoTimestamp(clock.nowMicros());
  return {
    snapshotId: (o.newId ?? randomUUID)(),
    runId: o.run.runId,
    stepId: o.stepId ?? null,
    name: o.name,
    description: o.description ?? null,
    tags: [...(o.tags ?? [])],
    createdAt,
    updatedAt,
    runState: cloneJson(encodeRunState(o.run)),
  };
}

export function encodeSnapshot(s: Snapshot): JsonObject {
  return {
    snapshot_id: s.snapshotId,
    run_id: s.runId,
    step_id: s.stepId,
    name: s.name,
    description: s.description,
    tags: [...s.tags],
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    run_state: s.runState,
  };
}

/** Decodes with the reference's defaults: name "", tags [], missing timestamps become now, run_state {}. */
export function decodeSnapshot(d: JsonValue, source = 'snapshot', clock: Clock = systemClock): Snapshot {
  if (!isJsonObject(d)) throw new InvalidArgumentError(`${source}: a snapshot must be an object.`, { source });
  const str = (k: string): string | null => (typeof d[k] === 'string' ? (d[k] as string) : null);
  const snapshotId = str('snapshot_id');
  const runId = str('run_id');
  if (!snapshotId || !runId) throw new InvalidArgumentError(`${source}: snapshot_id and run_id are required.`, { source });
  const tags = Array.isArray(d['tags']) ? d['tags'].map((t) => String(t)) : [];
  const now = (): string => formatIsoTimestamp(clock.nowMicros());
  return {
    snapshotId,
    runId,
    stepId: str('step_id'),
    name: str('name') ?? '',
    description: str('description'),
    tags,
    createdAt: str('created_at') ?? now(),
    updatedAt: str('updated_at') ?? now(),
    runState: isJsonObject(d['run_state']) ? d['run_state'] : {},
  };
}

export function cloneSnapshot(s: Snapshot): Snapshot {
  return { ...s, tags: [...s.tags], runState: cloneJson(s.runState) };
}

export interface SnapshotQuery {
  runId?: string | null;
  tag?: string | null;
  query?: string | null;
  limit?: number;
}

/** The reference's search: run id exact, tag case-insensitive equal, query case-insensitive substring of name/description; newest first. */
export function searchSnapshots(all: Iterable<Snapshot>, q: SnapshotQuery = {}): Snapshot[] {
  const tag = q.tag ? q.tag.toLowerCase() : null;
  const text = q.query ? q.query.toLowerCase() : null;
  const hits = [...all].filter(
    (s) =>
      (!q.runId || s.runId === q.runId) &&
      (!tag || s.tags.some((t) => t.toLowerCase() === tag)) &&
      (!text || s.name.toLowerCase().includes(text) || (s.description ?? '').toLowerCase().includes(text)),
  );
  hits.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  return hits.slice(0, Math.max(0, Math.trunc(q.limit ?? 100)));
}

/** `save` sets `updatedAt = now` on the snapshot it is given, as the reference does. */
export interface SnapshotStore {
  save(snapshot: Snapshot): Promise<void>;
  load(snapshotId: string): Promise<Snapshot | null>;
  delete(snapshotId: string): Promise<boolean>;
  list(query?: SnapshotQuery): Promise<Snapshot[]>;
}

/** `Snapshot.from_run(...)` of the reference. */
export const Snapshot = { fromRun: snapshotFromRun };
