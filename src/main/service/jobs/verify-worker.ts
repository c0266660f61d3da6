/**
 * Worker thread entry: verifies one run's chain from its own read-only connection, posting
 * progress, so the thread that serves the window never stalls on a million records.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteWorkspace } from '../../../runtime/storage/sqlite/index';

interface VerifyJob {
  path: string;
  runId: string;
  after?: { seq: number; hash: string };
}

async function main(): Promise<void> {
  const job = workerData as VerifyJob;
  const ws = SqliteWorkspace.open(job.path, { readonly: true });
  try {
    let last = 0;
    const report = await ws.verifyRun(job.runId, {
      after: job.after,
      onProgress: (done, total) => {
        const now = Date.now();
        if (now - last > 100 || done === total) {
          last = now;
          parentPort?.postMessage({ type: 'progress', done, total });
        }
      },
    });
    parentPort?.postMessage({ type: 'done', report });
  } finally {
    ws.close();
  }
}

main().catch((e: unknown) => parentPort?.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
