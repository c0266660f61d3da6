/**
 * The one way a runs row may lag its run's state (see schema-v1): a save that keeps the run
 * `running` with the same indexed columns skips rewriting the row when its updatedAt is in the
 * same tenth of a second as the stored one. Both sides of that rule live here: the writer's test
 * and the reader's bound on what the state may say.
 */

/** workflow_id, status, wait_reason, wait_until, parent_run_id, created_at, updated_at. */
export type RunRowValues = [string, string, string | null, string | null, string | null, string, string];

const DOT = 0x2e;
// "YYYY-MM-DDTHH:MM:SS.d": everything up to the tenths of a second.
const TENTHS = 21;
// Python isoformat with microseconds: "YYYY-MM-DDTHH:MM:SS.ffffff" then the offset.
const OFFSET_AT = 26;

/** True when `next` is later than `stored` but within the same tenth of a second, same format and offset. */
export function runRowLags(stored: string, next: string): boolean {
  return (
    stored.length === next.length &&
    stored.length > OFFSET_AT &&
    stored.charCodeAt(19) === DOT &&
    next > stored &&
    next.startsWith(stored.slice(0, TENTHS)) &&
    next.endsWith(stored.slice(OFFSET_AT))
  );
}

/**
 * An upper bound (in string order, which is the order runs are listed in) of the updatedAt the
 * state of a run can have when its row says `rowUpdatedAt` and its status is running: anything in
 * the same tenth of a second. For any other row, the row is exact.
 */
export function maxStateUpdatedAt(rowUpdatedAt: string, status: string): string {
  if (status !== 'running' || rowUpdatedAt.length <= OFFSET_AT || rowUpdatedAt.charCodeAt(19) !== DOT) return rowUpdatedAt;
  return rowUpdatedAt.slice(0, TENTHS) + '\uffff';
}
