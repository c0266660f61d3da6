/**
 * An app of its own, using the runtime package on a workspace file: it starts a run of the
 * workflow `argv[4]` defined by the module `argv[3]`, holds it with a RunOwner and carries out what
 * a Studio opened on the same file asks. It says what happens on stdout, one JSON object a line:
 * `{"started": runId, "pid": …}`, `{"request": {...}}` per request carried out or refused, and
 * `{"finished": status}`. It traces with an OpenTelemetry SDK provider of its own. Run with `node --import tsx app-process.ts <workspace> <module> <workflow>`
 * and TSX_TSCONFIG_PATH pointing at this folder's tsconfig.json.
 */
import { pathToFileURL } from 'node:url';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { RunOwner, Runtime, WorkflowRegistry, type WorkflowSpec } from 'abstractruntime';
import { SqliteWorkspace } from 'abstractruntime/sqlite';

const say = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  const [path, modulePath, workflowId] = process.argv.slice(2) as [string, string, string];
  const { workflows } = (await import(pathToFileURL(modulePath).href)) as { workflows: WorkflowSpec[] };
  const registry = new WorkflowRegistry();
  for (const wf of workflows) registry.register(wf);
  const workflow = registry.getOrRaise(workflowId);

  const ws = SqliteWorkspace.open(path);
  // The app traces with its own OpenTelemetry provider: its records keep their trace ids in the file.
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
  const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, workflowRegistry: registry, tracerProvider });
  const owner = new RunOwner({ runtime, requests: ws.requests, name: `app process ${process.pid}`, onRequest: (request) => say({ request }) });
  const runId = await runtime.start({ workflow, actorId: 'the-app' });
  await owner.hold(runId);
  await runtime.tick({ workflow, runId });
  owner.start();
  say({ started: runId, pid: process.pid });
  const end = await owner.finished(runId);
  say({ finished: end.status });
  await owner.close();
  ws.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
