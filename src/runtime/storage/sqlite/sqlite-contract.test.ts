import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreContract, type StoreKit } from '../testing/store-contract';
import { SqliteWorkspace } from './sqlite-workspace';

// Each kit is a fresh file; reopen opens the same file in a new SqliteWorkspace (as after a
// restart); the folder goes when the last workspace over it is closed.
describeStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ar-sqlite-contract-'));
  const path = join(dir, 'workspace.sqlite');
  let open = 0;
  const make = (): StoreKit => {
    const ws = SqliteWorkspace.open(path);
    open++;
    return {
      runStore: ws.runs,
      ledgerStore: ws.ledger,
      artifactStore: ws.artifacts,
      snapshotStore: ws.snapshots,
      history: ws,
      reopen: async () => make(),
      close: async () => {
        ws.close();
        if (--open === 0) rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  return make();
});
