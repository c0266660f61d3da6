/**
 * A lost race on a waiting run: two answers to one prompt, an answer and a cancel, two
 * fast-forwards, a person and the scheduler. Depending on the instant, the loser used to see the
 * Studio's own "is not waiting" check (CONFLICT), the runtime's bare "Run is not waiting"
 * (RUN_NOT_WAITING), a wait-key mismatch (the winner's run already waits on its next prompt) or the
 * lease of the winner's drive (RUN_LOCKED). All of them mean the same thing to a person, so they
 * come back as one code, RUN_NOT_WAITING, with a message read from the ledger saying who won, when,
 * and what the run does now.
 */
import { isJsonObject, RunStatus, RuntimeError, type JsonObject, type RunState, type StepRecord } from '../../../runtime/index';
import { StudioError } from '../../../shared/contract/errors';
import { type ReadSession } from '../sessions/session';

/** What the loser tried to do, named as the person would say it. */
export type RaceAction = 'answer' | 'event' | 'fast-forward';

/** How far back the ledger is read for the winner: a race is lost to something just done. */
const LOOK_BACK = 200;

interface Winner {
  verb: string;
  actorId: string | null;
  at: string;
}

/**
 * The stable error for a lost race, or null when `err` is not one: a wait-key mismatch stays one
 * unless the key sent was answered (then it was a real prompt someone else got to first), and a
 * RUN_LOCKED stays one while the run still waits on what was sent (a live process holds it).
 */
export async function asLostRace(s: ReadSession, runId: string, waitKey: string | null, action: RaceAction, err: unknown): Promise<StudioError | null> {
  const code = err instanceof RuntimeError || err instanceof StudioError ? err.code : null;
  if (code === 'RUN_NOT_WAITING') return lostRace(s, runId, waitKey, action);
  if (code === 'WAIT_KEY_MISMATCH') {
    if (waitKey === null || !(await findWinner(s, runId, waitKey, true))) return null;
    return lostRace(s, runId, waitKey, action);
  }
  if (code === 'RUN_LOCKED') {
    const run = await s.loadRun(runId);
    const stillOurs = run?.status === RunStatus.WAITING && run.waiting && (waitKey === null || run.waiting.waitKey === waitKey);
    return stillOurs ? null : lostRace(s, runId, waitKey, action);
  }
  return null;
}

/** RUN_NOT_WAITING saying who acted on the run first (from its newest ledger records) and where it is now. */
export async function lostRace(s: ReadSession, runId: string, waitKey: string | null, action: RaceAction): Promise<StudioError> {
  const [run, winner, names] = await Promise.all([s.loadRun(runId), findWinner(s, runId, waitKey, false), s.actorNames()]);
  const nameOf = (actorId: string | null): string => {
    if (actorId === null) return 'the scheduler';
    const a = names.find((n) => n.actorId === actorId);
    return a ? `${a.displayName} (${a.kind})` : actorId;
  };
  // A due timer the scheduler woke leaves no intervention record, only the steps it went on with.
  const woken = !winner && action === 'fast-forward' ? await newestRecordAt(s, runId) : null;
  const what = winner
    ? `was already ${winner.verb} by ${nameOf(winner.actorId)} at ${clock(winner.at)}`
    : woken
      ? `was already woken by the scheduler at ${clock(woken)}`
      : 'is no longer waiting';
  const message = `Run ${runId} ${what}; your ${action} was not applied. ${nowIs(run)}`;
  return new StudioError('RUN_NOT_WAITING', message, {
    runId,
    wonBy: winner ? { actorId: winner.actorId, name: nameOf(winner.actorId), at: winner.at, verb: winner.verb } : null,
    status: run?.status ?? null,
    currentNode: run?.currentNode ?? null,
  });
}

function nowIs(run: RunState | null): string {
  if (!run) return 'It no longer exists.';
  const terminal = run.status === RunStatus.COMPLETED || run.status === RunStatus.FAILED || run.status === RunStatus.CANCELLED;
  return terminal ? `It is now ${run.status}.` : `It is now ${run.status} at node \`${run.currentNode}\`.`;
}

/** `HH:MM:SS UTC` of a ledger timestamp (the full one is in the error's details). */
function clock(iso: string): string {
  const m = /T(\d{2}:\d{2}:\d{2})[.\d]*(Z|[+-]\d{2}:\d{2})?$/.exec(iso);
  if (!m) return iso;
  const zone = !m[2] || m[2] === 'Z' || m[2] === '+00:00' ? 'UTC' : m[2];
  return `${m[1]} ${zone}`;
}

async function newestRecordAt(s: ReadSession, runId: string): Promise<string | null> {
  const count = await s.ledgerCount(runId);
  if (count === 0) return null;
  const [last] = await s.ledgerPage(runId, count - 1, 1);
  return last ? last.record.startedAt : null;
}

/**
 * The intervention that beat the caller: the newest resume of the wait key sent (the prompt was
 * answered), else the newest cancel, else (no key sent, or `keyOnly` false) the newest resume.
 */
async function findWinner(s: ReadSession, runId: string, waitKey: string | null, keyOnly: boolean): Promise<Winner | null> {
  const count = await s.ledgerCount(runId);
  const from = Math.max(0, count - LOOK_BACK);
  const page = await s.ledgerPage(runId, from, count - from);
  let cancel: Winner | null = null;
  let anyResume: Winner | null = null;
  for (let i = page.length - 1; i >= 0; i--) {
    const rec = page[i]!.record;
    const result = rec.result;
    if (!result) continue;
    const resume = result['resume'];
    if (isJsonObject(resume)) {
      const winner = { verb: resumeVerb(resume), actorId: rec.actorId, at: at(rec) };
      if (waitKey !== null && resume['wait_key'] === waitKey) return winner;
      anyResume ??= winner;
    } else if (isJsonObject(result['cancelled'])) {
      cancel ??= { verb: 'cancelled', actorId: rec.actorId, at: at(rec) };
    }
  }
  if (keyOnly) return null;
  return cancel ?? anyResume;
}

const at = (rec: StepRecord): string => rec.endedAt ?? rec.startedAt;

function resumeVerb(resume: JsonObject): string {
  const payload = resume['payload'];
  if (isJsonObject(payload) && payload['fast_forwarded'] === true) return 'fast-forwarded';
  return resume['reason'] === 'user' ? 'answered' : 'resumed';
}
