import { StudioError } from '../../../shared/contract';

/**
 * What to do about an error, by code. Backend messages already say what went wrong and usually
 * what to do; this adds the next step when they do not, so no error leaves a person stuck.
 */
const ADVICE: Record<string, string> = {
  NETWORK: 'Check that `npm run serve` is still running; the Studio reconnects by itself when it is back.',
  UNAUTHORIZED: 'Open the URL printed by `npm run serve` again: it carries this launch\'s token.',
  NO_WORKSPACE: 'Open a workspace first (header → workspace).',
  NOT_FOUND: 'It may have been deleted or belong to another workspace. Refresh the list.',
  READ_ONLY: 'This workspace is opened read-only for audit. Open a Studio workspace to change runs.',
  CONFLICT: 'Something changed meanwhile. Refresh and try again.',
  RUN_NOT_WAITING: 'Open the run to see what it does now; nothing you sent was applied.',
  BAD_REQUEST: 'Check the values you entered.',
  PATH_NOT_ALLOWED: 'Choose a folder inside the allowed workspace folders.',
  UNKNOWN_OPERATION: 'The Studio and its backend are different versions: reload the window.',
  INTERNAL: 'This is a bug in the Studio. The terminal running the backend has the details.',
};

export interface ErrorReport {
  title: string;
  message: string;
  advice: string | null;
  code: string;
}

export function describeError(err: unknown, title: string): ErrorReport {
  const e = err instanceof StudioError ? err : new StudioError('INTERNAL', err instanceof Error ? err.message : String(err));
  const advice = ADVICE[e.code] ?? null;
  // Do not repeat advice the backend already gave in its own words.
  const redundant = advice !== null && e.message.toLowerCase().includes(advice.slice(0, 24).toLowerCase());
  return { title, message: e.message, advice: redundant ? null : advice, code: e.code };
}
