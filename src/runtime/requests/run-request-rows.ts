/**
 * The row layout of a run request queue, the same in SQLite (migration 5) and PostgreSQL
 * (migration 2): the body is kept as JSON with the kind beside it, so the table reads well in any
 * SQL shell.
 */
import { isJsonObject, type JsonObject } from '../json/json-value';
import { parseJson } from '../json/parse';
import { pyJsonDumps } from '../json/py-dumps';
import { formatIsoTimestamp } from '../json/timestamp';
import { type RunRequest, type RunRequestBody, type RunRequestStatus } from './run-request';

export interface RunRequestRow {
  /** A number from SQLite, a string from PostgreSQL (bigserial). */
  id: number | string;
  run_id: string;
  kind: RunRequestBody['kind'];
  body: string;
  actor_id: string | null;
  requested_by: string;
  requested_at: string;
  status: RunRequestStatus;
  handled_by: string | null;
  handled_at: string | null;
  run_status: string | null;
  error_code: string | null;
  error_message: string | null;
}

export const RUN_REQUEST_COLUMNS = 'id, run_id, kind, body, actor_id, requested_by, requested_at, status, handled_by, handled_at, run_status, error_code, error_message';
export const nowIso = (): string => formatIsoTimestamp(Date.now() * 1000);

export function bodyText(body: RunRequestBody): string {
  const rest: JsonObject =
    body.kind === 'resume' ? { wait_key: body.waitKey, payload: body.payload } : body.kind === 'cancel' ? { reason: body.reason } : { snapshot_id: body.snapshotId };
  return pyJsonDumps(rest);
}

function bodyOf(kind: RunRequestRow['kind'], text: string): RunRequestBody {
  const v = parseJson(text, { source: 'run request' });
  const o = isJsonObject(v) ? v : {};
  if (kind === 'cancel') return { kind, reason: typeof o['reason'] === 'string' ? o['reason'] : null };
  if (kind === 'restore') return { kind, snapshotId: typeof o['snapshot_id'] === 'string' ? o['snapshot_id'] : '' };
  return { kind, waitKey: typeof o['wait_key'] === 'string' ? o['wait_key'] : null, payload: isJsonObject(o['payload']) ? o['payload'] : {} };
}

export function fromRow(r: RunRequestRow): RunRequest {
  return {
    id: Number(r.id),
    runId: r.run_id,
    body: bodyOf(r.kind, r.body),
    actorId: r.actor_id,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    status: r.status,
    handledBy: r.handled_by,
    handledAt: r.handled_at,
    runStatus: r.run_status,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
  };
}

