import { hostname } from 'node:os';
import { askHolder, RunLockedError, RuntimeError, type RunRequest, type RunRequestBody, type RunState } from '../../../runtime/index';
import { type LeaseHolder, type SqliteWorkspace } from '../../../runtime/storage/sqlite/index';
import { StudioError } from '../../../shared/contract/errors';
import { type ControlCapability } from '../sessions/session-capabilities';

/** How long the Studio waits for the process holding a run to carry out what it asked. */
export const ASK_HOLDER_TIMEOUT_MS = 15_000;

export interface ActedOrAsked {
  run: RunState;
  /** The process that carried it out, when it was not this one. */
  carriedOutBy: string | null;
}

const describeHolder = (h: LeaseHolder): string => `process ${h.pid} on ${h.host.split('#')[0]}`;

/** How the Studio names itself in the requests it writes (`requested_by`, and `via.requested_by` in the ledger). */
export const studioRequester = (): string => `the Studio (process ${process.pid} on ${hostname()})`;

/**
 * A request the holder refused, as the Studio's error: the holder's code (RUN_NOT_WAITING,
 * WAIT_KEY_MISMATCH, …; run-ops turns a lost race into RUN_NOT_WAITING saying who won) and its
 * message with who answered. The same for an app's RunOwner on SQLite and a PostgreSQL worker.
 */
export function refusalError(r: RunRequest, holder: string): StudioError {
  const error = r.error ?? { code: 'INTERNAL', message: 'refused without a reason' };
  return new StudioError(error.code, `${error.message} (answered by ${r.handledBy ?? holder}, which holds run ${r.runId}).`, {
    runId: r.runId,
    requestId: r.id,
    handledBy: r.handledBy,
  });
}

const isLocked = (e: unknown): boolean => e instanceof RuntimeError && e.code === 'RUN_LOCKED';

/** The live process other than this open of the workspace holding the run's lease, or null. */
export function heldElsewhere(ws: SqliteWorkspace, runId: string): LeaseHolder | null {
  const h = ws.leaseHolder(runId);
  return h && h.live && h.owner !== ws.ownerId ? h : null;
}

/**
 * Refuses, before anything is touched, what only the holder of a run may do and cannot be asked
 * of it (a restore): RUN_LOCKED naming the live process that holds it.
 */
export function assertNotHeldElsewhere(s: ControlCapability, runId: string): void {
  const holder = heldElsewhere(s.ws, runId);
  if (holder) throw new RunLockedError(runId, `${describeHolder(holder)} (lease taken ${holder.acquiredAt})`);
}

/**
 * Does `act` (an answer, an event, a cancel) on a run, or, when another live process holds the run
 * (an app driving it with the runtime package), asks that process to do it through the
 * workspace's request queue and waits for its answer: the Studio never takes over a run a live
 * process holds, and needs none of its workflow code. A refusal comes back as its typed error; a
 * holder that dies before taking the request leaves the run to be taken over here, as any dead
 * holder's run is.
 */
export async function actOrAsk(s: ControlCapability, actorId: string, runId: string, body: RunRequestBody, act: () => Promise<RunState>): Promise<ActedOrAsked> {
  // A few looks at most: the lease can change hands between looking and acting.
  for (let attempt = 0; ; attempt++) {
    const holder = heldElsewhere(s.ws, runId);
    if (!holder) {
      try {
        return { run: await act(), carriedOutBy: null };
      } catch (e) {
        if (!isLocked(e) || attempt >= 2) throw e;
        continue; // taken meanwhile: ask whoever has it now
      }
    }
    const answered = await ask(s, actorId, runId, body, holder);
    if (answered) return answered;
    // The holder died before taking the request: look again (and take the run over).
  }
}

async function ask(s: ControlCapability, actorId: string, runId: string, body: RunRequestBody, holder: LeaseHolder): Promise<ActedOrAsked | null> {
  const outcome = await askHolder({
    requests: s.ws.requests,
    request: { runId, body, actorId, requestedBy: studioRequester() },
    // The same holder, still alive: a lease that passed to someone else is not the one we asked.
    holderLive: () => {
      const now = s.ws.leaseHolder(runId);
      return now !== null && now.owner === holder.owner && now.live;
    },
    holder: describeHolder(holder),
    timeoutMs: ASK_HOLDER_TIMEOUT_MS,
  });
  if (outcome.kind === 'holder-gone') return null;
  const r = outcome.request;
  if (r.status === 'failed') throw refusalError(r, describeHolder(holder));
  return { run: await s.runtime.getState(runId), carriedOutBy: r.handledBy };
}
