/**
 * `exportBundle`: one run, from any LedgerStore (+ ArtifactStore, checkpoints, keys), as an audit
 * bundle. Deterministic: the same inputs and `createdAt` give the same bytes.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { type ArtifactStore } from '../../artifacts/artifact-store';
import { type JsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { type LedgerStore } from '../../storage/ledger-store';
import { ledgerLineText } from '../../storage/files/jsonl-ledger-store';
import { encodeCheckpoint, parseCheckpoint, type SignedCheckpoint } from '../checkpoints/checkpoint';
import { type ChainCheckpointStore } from '../checkpoints/checkpoint-store';
import { sha256Hex, toBase64, utf8 } from '../encoding';
import { encodeActorKey, type ActorKey } from '../keys/actor-key';
import { type SigningKey } from '../keys/key-store';
import { parseRecordSignature } from '../signing/record-signature';
import { artifactRefs, artifactsDigest, bundleLine, keysDigest, encodeArtifactEntry, manifestStatement, type BundleArtifactEntry, type BundleManifest } from './bundle-format';

/** A ledger that can hand out the raw record dicts (JsonlLedgerStore can): unknown keys of newer Python records stay. */
export interface LedgerDictSource {
  listDicts(runId: string): Promise<JsonObject[]>;
}

export interface ExportBundleOptions {
  runId: string;
  ledger: LedgerStore | LedgerDictSource;
  checkpoints: ChainCheckpointStore | readonly SignedCheckpoint[];
  /** Public keys known; the bundle carries those that signed something here or that records name. */
  keys: readonly ActorKey[];
  artifacts?: ArtifactStore | null;
  /** false: artifacts as hashes only (`--no-artifacts`). */
  includeArtifacts?: boolean;
  /** Seal the manifest with this key (the exporter's). */
  seal?: SigningKey | null;
  workflowId?: string | null;
  tool?: { name: string; version: string };
  clock?: Clock;
}

export interface ExportedBundle {
  manifest: BundleManifest;
  /** The bundle's lines, each ending with "\n". */
  lines: string[];
  bytes: number;
  /** sha256 of the whole file (for a receipt). */
  sha256: string;
}

export const DEFAULT_TOOL = { name: 'abstractruntime-studio', version: '0.1.0' };

export async function exportBundle(options: ExportBundleOptions): Promise<ExportedBundle> {
  const { runId } = options;
  const recordLines = await ledgerLines(options.ledger, runId);
  const records = recordLines.map((l) => parseJson(l) as JsonObject); // for ids and refs only: the lines are bundled as they are
  const checkpoints = Array.isArray(options.checkpoints) ? [...(options.checkpoints as readonly SignedCheckpoint[])] : await (options.checkpoints as ChainCheckpointStore).list(runId);
  const keys = keysFor(options.keys, records, checkpoints, options.seal ?? null);
  const artifacts = await artifactEntries(options.artifacts ?? null, runId, records, options.includeArtifacts !== false);
  const lastCp = checkpoints.at(-1);
  const manifest: BundleManifest = {
    runId,
    workflowId: options.workflowId ?? null,
    createdAt: formatIsoTimestamp((options.clock ?? systemClock).nowMicros()),
    tool: options.tool ?? DEFAULT_TOOL,
    records: recordLines.length,
    headHash: typeof records.at(-1)?.['record_hash'] === 'string' ? (records.at(-1)?.['record_hash'] as string) : null,
    checkpoints: checkpoints.length,
    lastCheckpoint: lastCp ? sha256Hex(lastCp.statement) : null,
    keys: keys.length,
    keysDigest: keysDigest(keys.map(encodeActorKey)),
    artifacts: artifacts.length,
    artifactContent: options.includeArtifacts === false ? 'hashes-only' : 'included',
    artifactsDigest: artifactsDigest(artifacts.map((a) => encodeArtifactEntry(a.entry))),
    sealedBy: options.seal ? { actorId: options.seal.key.actorId, keyId: options.seal.key.keyId } : null,
  };
  const statement = manifestStatement(manifest);
  const lines = [
    bundleLine({ section: 'manifest', statement, signature: options.seal ? toBase64(options.seal.sign(utf8(statement))) : null }),
    ...keys.map((k) => bundleLine({ section: 'key', key: encodeActorKey(k) })),
    ...checkpoints.map((c) => bundleLine({ section: 'checkpoint', ...encodeCheckpoint(c) })),
    ...recordLines.map((line) => bundleLine({ section: 'record', line })),
    ...artifacts.map((a) => bundleLine({ section: 'artifact', artifact: encodeArtifactEntry(a.entry), content: a.content })),
  ];
  const text = lines.join('');
  return { manifest, lines, bytes: Buffer.byteLength(text, 'utf8'), sha256: sha256Hex(text) };
}

/** Writes the bundle to `path` atomically (a temp file renamed into place); refuses to overwrite. */
export async function writeBundleFile(path: string, bundle: ExportedBundle): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    for (const line of bundle.lines) await handle.write(line);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    const target = await open(path, 'wx'); // claim the name: never overwrite an existing bundle
    await target.close();
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

async function ledgerLines(ledger: LedgerStore | LedgerDictSource, runId: string): Promise<string[]> {
  if ('listDicts' in ledger && typeof ledger.listDicts === 'function') return (await ledger.listDicts(runId)).map((d) => pyJsonDumps(d));
  return (await (ledger as LedgerStore).list(runId)).map((r) => ledgerLineText(r).slice(0, -1));
}

function keysFor(all: readonly ActorKey[], records: readonly JsonObject[], checkpoints: readonly SignedCheckpoint[], seal: SigningKey | null): ActorKey[] {
  const keyIds = new Set<string>();
  const actors = new Set<string>();
  for (const c of checkpoints) {
    const p = parseCheckpoint(c);
    if (p.ok) keyIds.add(p.checkpoint.claim.keyId);
  }
  for (const r of records) {
    const sig = parseRecordSignature(r['signature']);
    if (sig) keyIds.add(sig.keyId);
    if (typeof r['actor_id'] === 'string') actors.add(r['actor_id']);
  }
  if (seal) keyIds.add(seal.key.keyId);
  const chosen = all.filter((k) => keyIds.has(k.keyId) || actors.has(k.actorId));
  if (seal && !chosen.some((k) => k.keyId === seal.key.keyId)) chosen.push(seal.key);
  return chosen;
}

async function artifactEntries(store: ArtifactStore | null, runId: string, records: readonly JsonObject[], include: boolean): Promise<{ entry: BundleArtifactEntry; content: string | null }[]> {
  if (!store) return [];
  const refs = artifactRefs(records);
  const ids = new Set([...(await store.listByRun(runId)).map((m) => m.artifactId), ...refs.keys()]);
  const out: { entry: BundleArtifactEntry; content: string | null }[] = [];
  for (const id of [...ids].sort()) {
    const a = await store.load(id);
    if (!a) continue; // referenced but gone: the verifier reports the dangling reference
    const m = a.metadata;
    const entry: BundleArtifactEntry = { artifactId: id, contentType: m.contentType, sizeBytes: a.content.length, createdAt: m.createdAt, runId: m.runId, tags: m.tags, sha256: sha256Hex(a.content), referenced: refs.has(id) };
    out.push({ entry, content: include ? toBase64(a.content) : null });
  }
  return out;
}
