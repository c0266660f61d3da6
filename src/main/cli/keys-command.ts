/**
 * `studio keys <workspace.sqlite> [--json]`: the public keys a workspace holds, i.e. what signed
 * its checkpoints. `--json` writes them in the form `studio verify --trusted` reads: an auditor
 * pins that file (obtained from the workspace's owner, not from a bundle) to check who signed.
 */
import { resolve } from 'node:path';
import { encodeActorKey, type StoredKeyRecord } from '../../runtime/provenance/index';
import { EXIT_OK, type CliIo } from './cli-io';
import { openWorkspaceReadonly } from './open-input';

export async function keysCommand(io: CliIo, options: { path: string; json: boolean }): Promise<number> {
  const path = resolve(options.path);
  const ws = openWorkspaceReadonly(path);
  let records: StoredKeyRecord[];
  try {
    records = await ws.actorKeys.list();
  } finally {
    ws.close();
  }
  io.out(options.json ? `${JSON.stringify(records.map((r) => encodeActorKey(r.key)), null, 2)}\n` : table(records, path));
  return EXIT_OK;
}

function table(records: StoredKeyRecord[], path: string): string {
  if (records.length === 0) return `No keys in ${path}: nothing in it was signed yet.\n`;
  const header = ['KEY', 'KIND', 'NAME', 'ACTOR', 'PRIVATE KEY', 'CREATED'];
  const cells = records.map((r) => [r.key.keyId, r.key.kind, r.key.displayName ?? '', r.key.actorId, r.privateKey ? r.privateKey.protection : 'not here', r.key.createdAt]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const pin = `Pin them for an audit: studio keys ${path} --json > keys.json, then studio verify <bundle> --trusted keys.json`;
  return `${[line(header), ...cells.map(line)].join('\n')}\n${records.length} key${records.length === 1 ? '' : 's'}\n${pin}\n`;
}
