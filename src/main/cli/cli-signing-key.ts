/**
 * Which key `studio export --bundle` signs with. The CLI has no OS keychain (docs/audit-bundle.md
 * §9): with STUDIO_KEY_PASSPHRASE it uses a key sealed with that passphrase (the Studio's, if the
 * web host sealed it so, else the CLI's own, created on first use); without it, a key the
 * workspace keeps unprotected (the web host's default). A keychain key, a wrong passphrase or no
 * key at all: no key, and the caller exports without a new checkpoint and says so.
 */
import { noneProtector, passphraseProtector, ProtectedKeyStore, type KeyProtector, type SigningKey, type StoredKeyRecord } from '../../runtime/provenance/index';
import { type SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { actorSigningKey, isKeyUnavailable } from '../service/signing/actor-signing-key';
import { keyPassphrase } from '../service/signing/key-protection';
import { studioCliActor, studioHostActor } from '../service/signing/signing-actors';

export type CliKey = { key: SigningKey; note: string } | { key: null; note: string };

const describe = (k: SigningKey): string => `key ${k.key.keyId} of ${k.key.displayName ?? k.key.actorId} (${k.key.actorId})`;

/** Our service keys this protection opens: the Studio's on this machine first, then the CLI's, newest first. */
function candidates(records: readonly StoredKeyRecord[], protection: 'passphrase' | 'none'): StoredKeyRecord[] {
  const rank = (r: StoredKeyRecord): number => (r.key.actorId === studioHostActor().actorId ? 0 : r.key.actorId === studioCliActor().actorId ? 1 : 2);
  return records
    .filter((r) => r.privateKey?.protection === protection && r.key.kind === 'service')
    .reverse()
    .sort((a, b) => rank(a) - rank(b));
}

async function firstThatOpens(ws: SqliteWorkspace, records: StoredKeyRecord[], protector: KeyProtector): Promise<SigningKey | null> {
  const store = new ProtectedKeyStore({ records: ws.actorKeys, protector });
  for (const r of records) {
    try {
      return await store.signingKey(r.key.keyId);
    } catch (err) {
      if (!isKeyUnavailable(err)) throw err;
    }
  }
  return null;
}

export async function cliSigningKey(ws: SqliteWorkspace, env: NodeJS.ProcessEnv): Promise<CliKey> {
  const passphrase = keyPassphrase(env);
  const records = await ws.actorKeys.list();
  if (passphrase === null) {
    const key = await firstThatOpens(ws, candidates(records, 'none'), noneProtector());
    if (key) return { key, note: `Signed with the workspace's unprotected ${describe(key)}.` };
    return { key: null, note: 'No signing key could be unlocked (set STUDIO_KEY_PASSPHRASE to sign with a passphrase-protected key).' };
  }
  const protector = passphraseProtector(passphrase);
  const existing = await firstThatOpens(ws, candidates(records, 'passphrase'), protector);
  if (existing) return { key: existing, note: `Signed with the passphrase-protected ${describe(existing)}.` };
  try {
    const created = await actorSigningKey(new ProtectedKeyStore({ records: ws.actorKeys, protector }), ws.actorKeys, studioCliActor(), 'passphrase');
    return { key: created, note: `Signed with the passphrase-protected ${describe(created)}.` };
  } catch (err) {
    if (!isKeyUnavailable(err)) throw err;
    return { key: null, note: `No signing key could be unlocked: ${err.message}` };
  }
}
