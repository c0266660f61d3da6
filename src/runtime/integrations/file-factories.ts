import { type Runtime } from '../core/runtime';
import { JsonFileRunStore } from '../storage/files/json-file-run-store';
import { JsonlLedgerStore } from '../storage/files/jsonl-ledger-store';
import { createLocalRuntime, createRemoteRuntime, type LocalRuntimeOptions, type RemoteRuntimeOptions } from './factories';

/**
 * `create_remote_file_runtime` / `create_local_file_runtime`: the same runtimes over the Python
 * reference's data-folder layout, `run_<id>.json` and `ledger_<id>.jsonl` in ONE folder, so runs
 * survive restarts and the Python tools can read them. As in the reference the ledger is plain
 * JSONL; wrap it in a HashChainedLedgerStore yourself (and pass both stores) for a hash chain.
 */
export function createRemoteFileRuntime(options: Omit<RemoteRuntimeOptions, 'runStore' | 'ledgerStore'> & { baseDir: string }): Runtime {
  const { baseDir, ...rest } = options;
  return createRemoteRuntime({ ...rest, runStore: new JsonFileRunStore(baseDir), ledgerStore: new JsonlLedgerStore(baseDir) });
}

export function createLocalFileRuntime(options: Omit<LocalRuntimeOptions, 'runStore' | 'ledgerStore'> & { baseDir: string }): Runtime {
  const { baseDir, ...rest } = options;
  return createLocalRuntime({ ...rest, runStore: new JsonFileRunStore(baseDir), ledgerStore: new JsonlLedgerStore(baseDir) });
}
