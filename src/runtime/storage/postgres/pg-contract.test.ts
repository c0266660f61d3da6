import { describeStoreContract, type StoreKit } from '../testing/store-contract';
import { type PostgresWorkspace } from './postgres-workspace';
import { freshSchema, usePgServer } from './test-support/pg-workspaces';

// Each kit is a fresh schema on the file's own server; reopen opens the same schema in a new
// PostgresWorkspace (a new pool, as after a restart).
const pg = usePgServer();

describeStoreContract('postgres', async () => {
  const schema = freshSchema('contract');
  const make = async (): Promise<StoreKit> => {
    const ws: PostgresWorkspace = await pg.open(schema);
    return {
      runStore: ws.runs,
      ledgerStore: ws.ledger,
      artifactStore: ws.artifacts,
      snapshotStore: ws.snapshots,
      history: ws,
      reopen: async () => make(),
      close: async () => ws.close(),
    };
  };
  return make();
});
