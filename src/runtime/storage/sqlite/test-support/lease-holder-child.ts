/**
 * A second process for the lease tests: opens the workspace at argv[2], leases run argv[3], says
 * so on stdout, then obeys stdin: "release" releases the lease, "exit" closes and exits. Run with
 * `node --import tsx lease-holder-child.ts <path> <runId>`.
 */
import { SqliteWorkspace } from '../sqlite-workspace';

async function main(): Promise<void> {
  const [path, runId] = process.argv.slice(2) as [string, string];
  const ws = SqliteWorkspace.open(path);
  const lease = await ws.runs.acquireRunLease(runId);
  process.stdout.write(`${JSON.stringify({ held: runId, pid: process.pid })}\n`);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    void (async () => {
      if (chunk.includes('release')) {
        await lease.release();
        process.stdout.write(`${JSON.stringify({ released: runId })}\n`);
      }
      if (chunk.includes('exit')) {
        ws.close();
        process.exit(0);
      }
    })();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
