/**
 * What the Studio signs in an open workspace: a LedgerSigner on the session's runtime, with the
 * host's key for the periodic checkpoints and the user's key to attest the user's own decisions
 * (answers and cancels), and a start-up sweep that checkpoints runs another process left
 * unsigned. Keys live in the workspace, sealed by the host's protector.
 */
import { type ActorFingerprint, type Runtime } from '../../../runtime/index';
import { attestDecisionsOf, checkpointUncovered, LedgerSigner, ProtectedKeyStore, type KeyProtector, type SigningKey } from '../../../runtime/provenance/index';
import { type SqliteWorkspace } from '../../../runtime/storage/sqlite/index';
import { actorSigningKey } from './actor-signing-key';
import { studioHostActor } from './signing-actors';

export interface SessionSigningOptions {
  protector: KeyProtector;
  /** The Studio's user: the actor recorded on answers, cancels and restores. */
  user: ActorFingerprint;
  onError(runId: string, error: Error): void;
}

export class SessionSigning {
  private closing = false;
  private readonly detach: () => void;
  /** The start-up sweep; it runs in the background (a large workspace has many runs to read). */
  readonly swept: Promise<string[]>;

  private constructor(
    private readonly ws: SqliteWorkspace,
    readonly keys: ProtectedKeyStore,
    readonly host: SigningKey,
    readonly signer: LedgerSigner,
    runtime: Runtime,
    onError: (runId: string, error: Error) => void,
  ) {
    this.detach = signer.attach(runtime);
    this.swept = checkpointUncovered(signer, ws.chainCheckpoints, this.untilClosing(ws.uncheckpointedHeads())).catch((err: unknown) => {
      onError('(start-up)', err instanceof Error ? err : new Error(String(err)));
      return [];
    });
  }

  /** Unlocks (or creates) the host's and the user's keys; throws KEY_LOCKED and the like when they cannot be opened. */
  static async start(ws: SqliteWorkspace, runtime: Runtime, o: SessionSigningOptions): Promise<SessionSigning> {
    const keys = new ProtectedKeyStore({ records: ws.actorKeys, protector: o.protector });
    const host = await actorSigningKey(keys, ws.actorKeys, studioHostActor(), o.protector.kind);
    const user = await actorSigningKey(keys, ws.actorKeys, o.user, o.protector.kind);
    const signer = new LedgerSigner({
      key: host,
      checkpoints: ws.chainCheckpoints,
      ledger: ws.ledger,
      attest: attestDecisionsOf([user]),
      onError: (error, runId) => o.onError(runId, error),
    });
    return new SessionSigning(ws, keys, host, signer, runtime, o.onError);
  }

  /** Stops the sweep, signs what is pending, and stops listening; the workspace may then close. */
  async close(): Promise<void> {
    this.closing = true;
    await this.swept;
    this.detach();
    await this.signer.close();
  }

  private *untilClosing(heads: Iterable<{ runId: string; seq: number }>): Generator<{ runId: string; seq: number }> {
    for (const h of heads) {
      if (this.closing || this.ws.closed) return;
      yield h;
    }
  }
}
