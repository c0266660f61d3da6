import { StudioError, isStudioErrorData } from '../../../shared/contract';

/**
 * Turns anything thrown or returned on a failed call into a StudioError, so every error the UI
 * shows has a code to branch on and a message that says what to do.
 */
export function toStudioError(err: unknown, op?: string): StudioError {
  if (err instanceof StudioError) return err;
  if (isStudioErrorData(err)) return StudioError.from(err);
  const what = op ? ` while calling ${op}` : '';
  if (err instanceof TypeError) {
    // fetch rejects with a TypeError when the server cannot be reached at all.
    return new StudioError(
      'NETWORK',
      `Could not reach the Studio backend${what}. Check that \`npm run serve\` is still running, then reload this page.`,
      { cause: err.message },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new StudioError('INTERNAL', `Unexpected failure${what}: ${message}`, {});
}
