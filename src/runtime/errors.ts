/**
 * Typed errors with stable codes. Every error the runtime throws on bad input is one of these,
 * so hosts (the Studio, the CLI) can show a clear message and branch on `code`, never on text.
 *
 * Messages of errors that mirror the Python reference keep the reference's text, so users of
 * both see the same words.
 */
export type RuntimeErrorCode =
  | 'UNKNOWN_RUN'
  /** A restore asked of a worker names a snapshot its workspace does not hold. */
  | 'UNKNOWN_SNAPSHOT'
  | 'UNKNOWN_NODE'
  | 'UNKNOWN_WORKFLOW'
  | 'WORKFLOW_ALREADY_REGISTERED'
  | 'INVALID_STEP_PLAN'
  | 'RUN_NOT_WAITING'
  | 'WAIT_KEY_MISMATCH'
  | 'NOT_JSON_SERIALIZABLE'
  | 'INVALID_ARTIFACT_ID'
  | 'INVALID_ARGUMENT'
  | 'JSON_PARSE_ERROR'
  | 'CORRUPT_FILE'
  | 'SCHEDULER_RUNNING'
  | 'STORE_NOT_QUERYABLE'
  | 'RUN_LOCKED'
  | 'WORKSPACE_INVALID'
  | 'WORKSPACE_TOO_NEW'
  | 'WORKSPACE_CORRUPT'
  | 'WORKSPACE_CLOSED'
  | 'READ_ONLY'
  | 'PYTHON_STORE_INVALID'
  | 'STORE_ERROR'
  | 'LEASE_LOST'
  | 'RUN_REQUEST_TIMEOUT'
  | 'WORKER_ID_IN_USE'
  | 'COPY_TARGET_NOT_EMPTY'
  | 'COPY_SOURCE_DAMAGED'
  | 'COPY_MISMATCH'
  /** A delete refused: the run is not finished, a live process holds it, or it has children. */
  | 'RUN_NOT_DELETABLE'
  /** The run was deleted: only its tombstone (who, when, final head hash) is left. */
  | 'RUN_DELETED';

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: RuntimeErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export class UnknownRunError extends RuntimeError {
  constructor(readonly runId: string) {
    super('UNKNOWN_RUN', `Unknown run_id: ${runId}`, { runId });
  }
}

export class UnknownSnapshotError extends RuntimeError {
  constructor(readonly snapshotId: string) {
    super('UNKNOWN_SNAPSHOT', `Unknown snapshot_id: ${snapshotId}`, { snapshotId });
  }
}

export class UnknownNodeError extends RuntimeError {
  constructor(readonly nodeId: string, readonly workflowId: string) {
    super('UNKNOWN_NODE', `Unknown node_id '${nodeId}' in workflow '${workflowId}'`, { nodeId, workflowId });
  }
}

export class UnknownWorkflowError extends RuntimeError {
  constructor(readonly workflowId: string, message?: string) {
    super(
      'UNKNOWN_WORKFLOW',
      message ??
        `Workflow '${workflowId}' is not registered. Register it with registry.register(workflow) before starting the scheduler.`,
      { workflowId },
    );
  }
}

export class InvalidStepPlanError extends RuntimeError {
  constructor(message: string, readonly nodeId: string) {
    super('INVALID_STEP_PLAN', message, { nodeId });
  }
}

export class RunNotWaitingError extends RuntimeError {
  constructor(readonly runId: string, message = 'Run is not waiting') {
    super('RUN_NOT_WAITING', message, { runId });
  }
}

export class WaitKeyMismatchError extends RuntimeError {
  constructor(readonly expected: string, readonly got: string) {
    super('WAIT_KEY_MISMATCH', `wait_key mismatch: expected '${expected}', got '${got}'`, { expected, got });
  }
}

export class NotJsonSerializableError extends RuntimeError {
  constructor(readonly what: string, readonly path: string, reason: string) {
    super(
      'NOT_JSON_SERIALIZABLE',
      `${what} is not JSON-serialisable at ${path}: ${reason}. Use only null, booleans, finite numbers, bigints, strings, arrays and plain objects.`,
      { what, path },
    );
  }
}

export class InvalidArtifactIdError extends RuntimeError {
  constructor(readonly artifactId: string) {
    super(
      'INVALID_ARTIFACT_ID',
      artifactId === ''
        ? 'artifact_id cannot be empty'
        : `Invalid artifact_id '${artifactId}': must contain only alphanumeric characters, hyphens, and underscores`,
      { artifactId },
    );
  }
}

export class InvalidArgumentError extends RuntimeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('INVALID_ARGUMENT', message, details);
  }
}

export class CorruptFileError extends RuntimeError {
  constructor(readonly path: string, reason: string, details: Record<string, unknown> = {}) {
    super('CORRUPT_FILE', `Corrupt file ${path}: ${reason}`, { ...details, path });
  }
}

/**
 * A request to the holder of a run was not carried out in time (src/runtime/requests). By default
 * it was withdrawn, so it never will be; `message` says otherwise where it was not (taken by a
 * holder that died: the run's next holder finishes it).
 */
export class RunRequestTimeoutError extends RuntimeError {
  constructor(readonly runId: string, holder: string, timeoutMs: number, message?: string, details: Record<string, unknown> = {}) {
    super(
      'RUN_REQUEST_TIMEOUT',
      message ?? `Run ${runId} is held by ${holder}, which did not carry out the request within ${timeoutMs} ms; the request was withdrawn. Check that process, then try again.`,
      { ...details, runId, holder, timeoutMs },
    );
  }
}

/** The caller asked for something while another holder has the run (another process's lease). */
export class RunLockedError extends RuntimeError {
  constructor(readonly runId: string, holder: string) {
    super('RUN_LOCKED', `Run ${runId} is being ticked by ${holder}; try again when it is released.`, { runId, holder });
  }
}
