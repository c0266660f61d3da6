/** Small file helpers for hosts (the CLI's `verify`, the Studio's Open): is this a bundle, and the auditor's trusted keys. */
import { open, readFile } from 'node:fs/promises';
import { parseJson } from '../../json/parse';
import { decodeActorKey, type ActorKey } from '../keys/actor-key';
import { ProvenanceError } from '../provenance-errors';

const MAGIC = '{"section":"manifest"';

/** True when the file starts like an audit bundle (its first line is the manifest). */
export async function isBundleFile(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const buf = Buffer.alloc(MAGIC.length);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8') === MAGIC;
  } finally {
    await handle.close();
  }
}

/** A JSON array of key records (what `encodeActorKey` writes, e.g. exported from a workspace): the keys an auditor trusts. */
export async function readTrustedKeys(path: string): Promise<ActorKey[]> {
  let value;
  try {
    value = parseJson(await readFile(path, 'utf8'), { source: path });
  } catch (err) {
    throw new ProvenanceError('KEY_INVALID', `${path} cannot be read as trusted keys: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new ProvenanceError('KEY_INVALID', `${path} must hold a JSON array of key records.`);
  return value.map((k, i) => decodeActorKey(k, `${path} key ${i}`));
}
