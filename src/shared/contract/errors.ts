/**
 * Errors as they cross the wire: a stable code the renderer can branch on, a message that says what
 * went wrong and what to do, and optional details. Runtime error codes pass through unchanged.
 */
export type StudioErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_OPERATION'
  | 'NO_WORKSPACE'
  | 'PATH_NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'READ_ONLY'
  | 'CONFLICT'
  | 'UNAUTHORIZED'
  | 'INTERNAL'
  /** A Step named where the run stood, and it has moved on since: nothing was stepped. */
  | 'RUN_MOVED_ON'
  /**
   * Someone else acted on a waiting run first (answered it, cancelled it, fast-forwarded it, or the
   * scheduler woke it): nothing of this request was applied. The message names who won and when
   * (details.wonBy) and says where the run is now. A wrong wait key stays WAIT_KEY_MISMATCH, and a
   * run another live process holds stays RUN_LOCKED.
   */
  | 'RUN_NOT_WAITING'
  /** A run was deleted: only its tombstone is left (details.tombstone: who, when, final head hash). */
  | 'RUN_DELETED'
  /** A bulk cancel or archive met a run in the wrong state (already finished, still going): nothing was done to it. */
  | 'RUN_FINISHED'
  | 'RUN_NOT_FINISHED'
  /** A delete refused: the run is not finished, a live process holds it, or it has children. */
  | 'RUN_NOT_DELETABLE'
  /** A retry was asked of a record that is not a failed LLM call of a failed run: nothing was done. */
  | 'NOT_RETRYABLE'
  /** The person closed the save dialog of an export without choosing a place: nothing was written (not a failure to show). */
  | 'EXPORT_CANCELLED'
  | (string & {});

export interface StudioErrorData {
  code: StudioErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class StudioError extends Error implements StudioErrorData {
  readonly code: StudioErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: StudioErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.details = details;
  }

  toData(): StudioErrorData {
    return { code: this.code, message: this.message, details: this.details };
  }

  static from(data: StudioErrorData): StudioError {
    return new StudioError(data.code, data.message, data.details ?? {});
  }
}

export function isStudioErrorData(v: unknown): v is StudioErrorData {
  return typeof v === 'object' && v !== null && typeof (v as StudioErrorData).code === 'string' && typeof (v as StudioErrorData).message === 'string';
}
