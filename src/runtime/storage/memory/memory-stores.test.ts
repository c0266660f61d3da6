import { HashChainedLedgerStore } from '../../ledger/hash-chained-ledger-store';
import { describeStoreContract } from '../testing/store-contract';
import { InMemoryArtifactStore } from './memory-artifact-store';
import { InMemoryLedgerStore } from './memory-ledger-store';
import { InMemoryRunStore } from './memory-run-store';
import { InMemorySnapshotStore } from './memory-snapshot-store';

describeStoreContract('memory', async () => ({
  runStore: new InMemoryRunStore(),
  ledgerStore: new HashChainedLedgerStore(new InMemoryLedgerStore()),
  artifactStore: new InMemoryArtifactStore(),
  snapshotStore: new InMemorySnapshotStore(),
}));
