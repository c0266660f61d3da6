import { RuntimeError } from '../../errors';

/** The target of `copy` already holds data: nothing was written (a copy never merges into a workspace). */
export class CopyTargetNotEmptyError extends RuntimeError {
  constructor(readonly target: string) {
    super('COPY_TARGET_NOT_EMPTY', `${target} already holds a workspace with data; copy only into a new or empty one (nothing was written).`, { target });
  }
}

/** The source cannot be copied as it is (a chain that does not verify, a state that does not rebuild): nothing was left at the target. */
export class CopySourceDamagedError extends RuntimeError {
  constructor(readonly source: string, reason: string, details: Record<string, unknown> = {}) {
    super('COPY_SOURCE_DAMAGED', `${source} cannot be copied: ${reason}. Nothing was left at the target; verify the source ("studio verify") and repair it first.`, { ...details, source });
  }
}

/** The copy did not come out equal to the source (a hash, a checkpoint or a stamp differs): it was discarded. */
export class CopyMismatchError extends RuntimeError {
  constructor(readonly target: string, reason: string, details: Record<string, unknown> = {}) {
    super('COPY_MISMATCH', `The copy to ${target} was discarded: ${reason}.`, { ...details, target });
  }
}

/** The source named is not there (opening it would create an empty workspace, so it is not opened). */
export class CopySourceMissingError extends RuntimeError {
  constructor(readonly source: string, reason: string) {
    super('WORKSPACE_INVALID', `${source} is not a workspace to copy: ${reason}.`, { source, reason });
  }
}
