/**
 * The Studio's key in a workspace it does not drive (a PostgreSQL workspace its workers drive):
 * nothing is signed there as it runs, so at the first export the Studio's host key is unlocked
 * (or created, sealed by the host's protector, and kept in the workspace's actor keys, as a SQLite
 * workspace keeps it) to checkpoint the run's head and seal the bundle. The checkpoint is data
 * like a bookmark: it vouches for the chain as the Studio read it, and no worker depends on it.
 */
import { LedgerSigner, ProtectedKeyStore, type ChainCheckpointStore, type KeyProtector, type KeyRecordStore, type SigningKey } from '../../../runtime/provenance/index';
import { type LedgerStore } from '../../../runtime/index';
import { actorSigningKey, isKeyUnavailable } from './actor-signing-key';
import { studioHostActor } from './signing-actors';

/** What signs an export: the signer that checkpoints a run's head, and the key that seals the bundle. */
export interface ExportSigning {
  readonly signer: LedgerSigner;
  readonly host: SigningKey;
}

export interface ExportSigningStores {
  readonly actorKeys: KeyRecordStore;
  readonly chainCheckpoints: ChainCheckpointStore;
  readonly ledger: LedgerStore;
}

/** Opens the export signer once, on first use; a key that cannot be unlocked here is a reason, not a failure. */
export class LazyExportSigning {
  private opened: Promise<ExportSigning | { problem: string }> | null = null;

  constructor(
    private readonly stores: ExportSigningStores,
    private readonly protector: KeyProtector | null,
  ) {}

  get(): Promise<ExportSigning | { problem: string }> {
    this.opened ??= this.open();
    return this.opened;
  }

  private async open(): Promise<ExportSigning | { problem: string }> {
    const protector = this.protector;
    if (!protector) return { problem: 'This Studio has no key protector here, so it adds no checkpoint: the bundle carries those already stored.' };
    try {
      const keys = new ProtectedKeyStore({ records: this.stores.actorKeys, protector });
      const host = await actorSigningKey(keys, this.stores.actorKeys, studioHostActor(), protector.kind);
      return { host, signer: new LedgerSigner({ key: host, checkpoints: this.stores.chainCheckpoints, ledger: this.stores.ledger }) };
    } catch (err) {
      if (isKeyUnavailable(err)) return { problem: `Not signed now: the Studio's key cannot be unlocked here (${err.message}).` };
      throw err;
    }
  }

  /** Signs what is pending; the workspace may then close. */
  async close(): Promise<void> {
    const s = await this.opened?.catch(() => null);
    if (s && 'signer' in s) await s.signer.close();
  }
}
