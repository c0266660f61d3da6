import { INTEGRITY_TAG, type ArtifactMetadata } from '../../../runtime/index';
import { type ArtifactInfo, type ArtifactIntegrity } from '../../../shared/contract/domain';
import { StudioError } from '../../../shared/contract/errors';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { session, type ServiceContext } from '../service-context';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

/** The store's verdict on the bytes (the v1 layout checks each blob's sha256 when it reads it). */
function integrityOf(m: ArtifactMetadata | null): ArtifactIntegrity {
  if (!m) return 'missing';
  const flag = m.tags[INTEGRITY_TAG];
  return flag === 'blob missing' || flag === 'sha256 mismatch' ? flag : 'ok';
}

const toInfo = (m: ArtifactMetadata): ArtifactInfo => ({ ...m, tags: { ...m.tags }, integrity: integrityOf(m) });

export const checkArtifacts: Handler<'artifacts.check'> = async (ctx, req) => {
  const store = session(ctx).artifacts;
  const out: Array<{ artifactId: string; integrity: ArtifactIntegrity }> = [];
  for (const artifactId of req.artifactIds) out.push({ artifactId, integrity: integrityOf(await store.getMetadata(artifactId)) });
  return out;
};

export const listArtifacts: Handler<'artifacts.list'> = async (ctx, req) => {
  const store = session(ctx).artifacts;
  const metas = req.runId ? await store.listByRun(req.runId) : await store.listAll({ limit: req.limit });
  return metas.map(toInfo);
};

/** A bounded chunk (64 KiB by default, 1 MiB at most), so large artifacts load piece by piece. */
export const readArtifact: Handler<'artifacts.read'> = async (ctx, req) => {
  const s = session(ctx);
  const meta = await s.artifacts.getMetadata(req.artifactId);
  if (!meta) throw new StudioError('NOT_FOUND', `No artifact ${req.artifactId} in ${s.info.name}.`);
  const bytes = (await s.readArtifactChunk(req.artifactId, req.offset, req.length)) ?? new Uint8Array(0);
  return {
    artifactId: meta.artifactId,
    contentType: meta.contentType,
    sizeBytes: meta.sizeBytes,
    offset: req.offset,
    base64: Buffer.from(bytes).toString('base64'),
    // A missing blob has no bytes to wait for: the preview ends, flagged, instead of loading forever.
    eof: req.offset + bytes.byteLength >= meta.sizeBytes || integrityOf(meta) === 'blob missing',
    integrity: integrityOf(meta),
  };
};
