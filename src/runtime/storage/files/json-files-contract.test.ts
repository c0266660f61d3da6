import { describeStoreContract, type StoreKit } from '../testing/store-contract';
import { removeDir, tempDir } from './fixture-helpers';
import { openPythonDataFolder } from './python-data-folder';

async function kitOver(dir: string): Promise<StoreKit> {
  const folder = await openPythonDataFolder(dir);
  return {
    runStore: folder.runStore,
    ledgerStore: folder.ledgerStore,
    artifactStore: folder.artifactStore,
    snapshotStore: folder.snapshotStore,
    reopen: () => kitOver(dir),
    close: () => removeDir(dir),
  };
}

describeStoreContract('json files', async () => kitOver(await tempDir('contract')));
