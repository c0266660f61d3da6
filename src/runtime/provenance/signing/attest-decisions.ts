/**
 * Which records an actor should attest with its own key: its decisions — answering a prompt or an
 * event (`result.resume`) and cancelling a run (`result.cancelled`) — not every step of a run it
 * started (that would be a signature statement per record, which the budget does not allow).
 */
import { type StepRecord } from '../../core/models';
import { type SigningKey } from '../keys/key-store';

export function isDecisionRecord(r: StepRecord): boolean {
  return r.effect === null && r.result !== null && ('resume' in r.result || 'cancelled' in r.result);
}

/** The `attest` option of a LedgerSigner: each of these actors attests its own decisions. */
export function attestDecisionsOf(keys: readonly SigningKey[]): (r: StepRecord) => SigningKey | null {
  const byActor = new Map(keys.map((k) => [k.key.actorId, k]));
  return (r) => (r.actorId !== null && isDecisionRecord(r) ? (byActor.get(r.actorId) ?? null) : null);
}
