/**
 * Audit bundles in the Studio: export a run of the open workspace, SQLite or PostgreSQL (signed up
 * to its last record and sealed by the Studio's key where it signs, verified right after
 * writing), and open a bundle read-only.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatBundleReport, isBundleFile, verifyBundle } from '../../../runtime/provenance/index';
import { StudioError } from '../../../shared/contract/errors';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { control, loadRunOr404, session, type ServiceContext } from '../service-context';
import { type ReadSession } from '../sessions/session';
import { type BundleCapability } from '../sessions/session-capabilities';
import { BundleSession } from '../sessions/bundle-session';
import { bundleFileName, checkpointRun, writeRunBundle } from '../signing/run-bundle';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

/** The open workspace, where it exports bundles; a read-only source (an audit bundle itself, a Python folder) is refused as `control` refuses it. */
function exporter(ctx: ServiceContext): { s: ReadSession; b: BundleCapability } {
  const s = session(ctx);
  const b = s.capabilities.bundle;
  if (b) return { s, b };
  control(ctx);
  throw new StudioError('READ_ONLY', `${s.info.name} cannot export audit bundles. Nothing was written.`);
}

/**
 * Where the bundle goes: `workspace`, to `<workspace folder>/exports/<run id>.arbundle.jsonl`
 * (replacing an earlier export of the run; a PostgreSQL workspace has no folder, so there it is
 * `choose`); `choose`, where the user says: the desktop app's save
 * dialog, or, in the web host, a one-time browser download (written under the user data folder
 * and deleted once fetched). A closed save dialog writes nothing (EXPORT_CANCELLED).
 */
export const exportRunBundle: Handler<'runs.exportBundle'> = async (ctx, req) => {
  const { s, b } = exporter(ctx);
  const run = await loadRunOr404(s, req.runId);
  const fileName = bundleFileName(req.runId);
  let path: string;
  let downloadId: string | null = null;
  if (req.destination === 'workspace' && b.exportsDir !== null) {
    path = ctx.guard.check(join(b.exportsDir, 'exports', fileName));
  } else if (ctx.saveDialog) {
    const chosen = await ctx.saveDialog(fileName);
    if (chosen === null) throw new StudioError('EXPORT_CANCELLED', 'The export was cancelled: no place was chosen, nothing was written.', { runId: req.runId });
    // Not through the path guard: the path comes from the OS dialog in this process, chosen by the person, not named by the renderer.
    path = chosen;
  } else {
    const prepared = ctx.downloads.prepare(fileName);
    downloadId = prepared.id;
    path = prepared.path;
  }
  try {
    const notes: string[] = [];
    const signing = await b.exportSigning();
    if ('signer' in signing) {
      const problem = await checkpointRun(signing.signer, req.runId);
      if (problem) notes.push(problem);
    } else {
      notes.push(signing.problem);
    }
    const ws = b.bundleSource;
    const seal = 'host' in signing ? signing.host : null;
    const bundle = await writeRunBundle({ ws, runId: req.runId, workflowId: run.workflowId, includeArtifacts: req.includeArtifacts, seal, path, overwrite: true });
    // The workspace's own keys are the trusted ones here: the check is that the file says what this workspace holds.
    const report = await verifyBundle(path, { trustedKeys: (await ws.actorKeys.list()).map((r) => r.key) });
    return {
      runId: req.runId,
      path,
      fileName: basename(path),
      sha256: bundle.sha256,
      sizeBytes: bundle.bytes,
      verified: report.ok,
      report: [...notes, formatBundleReport(report)].join('\n'),
      download: downloadId !== null ? offerDownload(ctx, downloadId, path) : null,
    };
  } catch (e) {
    if (downloadId !== null) ctx.downloads.discard(downloadId);
    throw e;
  }
};

function offerDownload(ctx: ServiceContext, id: string, path: string): { urlPath: string; expiresAt: string } {
  const { urlPath, expiresAt } = ctx.downloads.offer(id, path, basename(path));
  return { urlPath, expiresAt };
}

/** Opens a bundle read-only; the keys of the SQLite workspace open until now are the trusted ones. */
export const openBundle: Handler<'workspace.openBundle'> = async (ctx, req) => {
  const path = ctx.guard.check(req.path);
  if (!existsSync(path) || !statSync(path).isFile()) throw new StudioError('NOT_FOUND', `There is no file at ${path}. Give the path of a .arbundle.jsonl file.`);
  if (!(await isBundleFile(path))) {
    throw new StudioError('BAD_REQUEST', `${path} is not an audit bundle (its first line is not a bundle manifest). Export one with "Export audit bundle" or "studio export <workspace> <run> --bundle".`);
  }
  const current = ctx.current();
  const trusted = (await current?.capabilities.keys?.trustedKeys()) ?? null;
  const s = await BundleSession.open(path, trusted);
  await ctx.switchTo(s);
  return s.info;
};
