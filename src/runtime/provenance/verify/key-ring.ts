/**
 * The keys a verification may use: every key record checked (a real Ed25519 key, its key id, its
 * binding to the actor) and judged against the trusted keys, when the auditor gives some.
 */
import { type KeyObject } from 'node:crypto';
import { type JsonValue } from '../../json/json-value';
import { checkActorKey, decodeActorKey, type ActorKey, type KeyBinding } from '../keys/actor-key';
import { ed25519PublicKey } from '../keys/ed25519';
import { type ProvenanceFinding } from './findings';

export interface RingKey {
  index: number;
  key: ActorKey;
  publicKey: KeyObject;
  binding: KeyBinding;
  /** null when no trusted keys were given (nothing to judge against). */
  trusted: boolean | null;
  /** The trusted list knows another key for this actor id. */
  conflictsWithTrusted: boolean;
  /** Good signatures made with it (trusted or not). */
  used: number;
}

export interface KeyRing {
  byId: Map<string, RingKey>;
  findings: ProvenanceFinding[];
}

const isActorKey = (k: unknown): k is ActorKey => typeof k === 'object' && k !== null && 'keyId' in k && 'publicKey' in k;

export function buildKeyRing(keys: readonly (ActorKey | JsonValue)[], trusted: readonly ActorKey[] | null): KeyRing {
  const byId = new Map<string, RingKey>();
  const findings: ProvenanceFinding[] = [];
  keys.forEach((raw, index) => {
    let key: ActorKey;
    try {
      key = isActorKey(raw) ? raw : decodeActorKey(raw as JsonValue, `key ${index}`);
    } catch (e) {
      findings.push(keyErr('key_invalid', index, null, `key ${index} cannot be read: ${(e as Error).message}`));
      return;
    }
    const check = checkActorKey(key);
    if (!check.ok) {
      const code = check.problem === 'invalid_public_key' ? 'key_invalid' : check.problem === 'key_id_mismatch' ? 'key_id_mismatch' : 'key_binding_mismatch';
      findings.push({ ...keyErr(code, index, key.keyId, `key ${index} (${key.actorId}) is not usable: ${check.message}`), actorId: key.actorId });
      return;
    }
    const existing = byId.get(key.keyId);
    if (existing) {
      const same = existing.key.actorId === key.actorId;
      findings.push({
        ...keyErr('key_duplicate', index, key.keyId, same ? `key ${index} repeats key ${existing.index}` : `key ${index} gives key ${key.keyId} to ${key.actorId}, but key ${existing.index} gives it to ${existing.key.actorId}`),
        severity: same ? 'warning' : 'error',
      });
      return;
    }
    const publicKey = ed25519PublicKey(check.raw);
    if (!publicKey) {
      findings.push(keyErr('key_invalid', index, key.keyId, `key ${index} is not a usable Ed25519 public key`));
      return;
    }
    // Trusted: the auditor's list has this actor with this key, described the same way.
    const match = trusted?.find((t) => t.publicKey === key.publicKey && t.actorId === key.actorId);
    const isTrusted = trusted ? match !== undefined && match.kind === key.kind && match.displayName === key.displayName : null;
    const conflicts = trusted !== null && !isTrusted && trusted.some((t) => t.actorId === key.actorId);
    byId.set(key.keyId, { index, key, publicKey, binding: check.binding, trusted: isTrusted, conflictsWithTrusted: conflicts, used: 0 });
  });
  return { byId, findings };
}

/** After the signatures were checked: keys the trusted list does not vouch for. */
export function trustFindings(ring: KeyRing, trustGiven: boolean): ProvenanceFinding[] {
  if (!trustGiven) {
    return [
      {
        code: 'no_trust_anchor',
        severity: 'warning',
        location: { kind: 'ledger' },
        message: 'no trusted keys were given: the signatures prove only that the holders of the keys in this list signed; anyone can make a key and re-sign a rewritten ledger',
      },
    ];
  }
  const out: ProvenanceFinding[] = [];
  for (const k of ring.byId.values()) {
    if (k.trusted) continue;
    const why = k.conflictsWithTrusted
      ? `the trusted keys give ${k.key.actorId} another key or describe it otherwise (kind, display name): this one was replaced or edited`
      : k.used > 0
        ? `${k.key.actorId} signed with it, but it is not among the trusted keys`
        : `it is not among the trusted keys (it signs nothing here)`;
    out.push({ ...keyErr('key_untrusted', k.index, k.key.keyId, `key ${k.index} (${k.key.actorId}) is not trusted: ${why}`), severity: k.conflictsWithTrusted || k.used > 0 ? 'error' : 'warning', actorId: k.key.actorId });
  }
  return out;
}

function keyErr(code: ProvenanceFinding['code'], index: number, keyId: string | null, message: string): ProvenanceFinding {
  return { code, severity: 'error', location: { kind: 'key', index, keyId }, message, ...(keyId ? { keyId } : {}) };
}
