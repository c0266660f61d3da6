/**
 * A real Studio backend for tests: a StudioService over a fresh SQLite workspace in a temp folder
 * (with the demo workflows), served by the web host on 127.0.0.1, and a client that speaks the
 * wire protocol over real HTTP and a real WebSocket.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll } from 'vitest';
import { type EventMap, type EventName } from '../../shared/contract/events';
import { type RunDetail } from '../../shared/contract/domain';
import { type OperationName, type RequestInput, type Response } from '../../shared/contract/operations';
import { type WireEvent, type WireResult } from '../../shared/contract/wire';
import { StudioService } from '../service/studio-service';
import { startWebHost, type WebHost } from '../web/web-host';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const DEMO_DIR = join(REPO_ROOT, 'resources', 'demo-workflows');
export const FIXTURE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'python-abstractruntime-0.2.0');

const EVENT_MODULE = `
import { WorkflowSpec, EffectType } from 'abstractruntime';
export const workflows = [
  new WorkflowSpec({
    workflowId: 'test_event',
    entryNode: 'wait',
    nodes: {
      wait: () => ({ nodeId: 'wait', effect: { type: EffectType.WAIT_EVENT, payload: { wait_key: 'evt:go' }, resultKey: 'event' }, nextNode: 'done' }),
      done: (run) => ({ nodeId: 'done', completeOutput: { event: run.vars.event ?? null } }),
    },
  }),
];
`;

export interface Harness {
  dir: string;
  service: StudioService;
  host: WebHost;
  events: WireEvent[];
  /** HTTP status and envelope. */
  raw(op: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: WireResult<unknown> }>;
  /** The result, or throws an Error carrying the error code. */
  call<K extends OperationName>(op: K, req: RequestInput<K>): Promise<Response<K>>;
  waitForEvent<E extends EventName>(event: E, match: (p: EventMap[E]) => boolean, timeoutMs?: number): Promise<EventMap[E]>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'studio-test-'));
  const rendererDir = join(dir, 'renderer');
  cpSync(join(REPO_ROOT, 'test', 'fixtures'), join(dir, 'fixtures'), { recursive: true });
  cpSync(DEMO_DIR, join(dir, 'demos'), { recursive: true });
  // A workspace's own modules: one with a plain wait_event workflow, one that does not compile.
  writeFileSync(join(dir, 'demos', 'zz-test-event.ts'), EVENT_MODULE);
  writeFileSync(join(dir, 'demos', 'zz-broken.ts'), 'export const workflows = [ this is not typescript');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Studio</title>');
  const service = await StudioService.create({ userDataDir: join(dir, 'user'), allowedRoots: [dir], demoWorkflowDir: join(dir, 'demos'), actor: { displayName: 'tester' } });
  const host = await startWebHost({ service, rendererDir });
  const events: WireEvent[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events?token=${host.token}`);
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok());
    ws.once('error', fail);
  });
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    events.push(JSON.parse(String(data)) as WireEvent);
    for (const w of waiters) w();
  });

  const raw: Harness['raw'] = async (op, body, headers = {}) => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/${op}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Studio-Token': host.token, ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as WireResult<unknown> };
  };
  const call = async <K extends OperationName>(op: K, req: RequestInput<K>): Promise<Response<K>> => {
    const { body } = await raw(op, req);
    if (!body.ok) throw Object.assign(new Error(`${op}: ${body.error.code}: ${body.error.message}`), { code: body.error.code });
    return body.result as Response<K>;
  };
  const waitForEvent: Harness['waitForEvent'] = (event, match, timeoutMs = 5000) =>
    new Promise((ok, fail) => {
      const check = (): boolean => {
        const hit = events.find((e) => e.event === event && match(e.payload as never));
        if (hit) {
          waiters.delete(check as () => void);
          clearTimeout(timer);
          ok(hit.payload as never);
        }
        return Boolean(hit);
      };
      const timer = setTimeout(() => {
        waiters.delete(check as () => void);
        fail(new Error(`no ${event} event matched within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) waiters.add(check as () => void);
    });

  return {
    dir,
    service,
    host,
    events,
    raw,
    call,
    waitForEvent,
    async close() {
      ws.close();
      await host.close();
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One harness for the test file: started in beforeAll, closed in afterAll. The object returned
 * stands for it (each property is read from the started harness), so a file says
 * `const h = useHarness();` instead of repeating the two hooks.
 */
export function useHarness(): Harness {
  let current: Harness | null = null;
  beforeAll(async () => {
    current = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as Harness, {
    get(_, prop) {
      if (!current) throw new Error('the Studio harness is not started yet (use it inside a test or a hook after useHarness)');
      return Reflect.get(current, prop) as unknown;
    },
  });
}

/** Polls `runs.get` until the run has `status` (every 20 ms, `tries` times), for tests that drive runs in the background. */
export async function untilStatus(h: Harness, runId: string, status: RunDetail['status'], tries = 300): Promise<RunDetail> {
  for (let i = 0; i < tries; i++) {
    const d = await h.call('runs.get', { runId });
    if (d.status === status) return d;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`run ${runId} never became ${status}`);
}
