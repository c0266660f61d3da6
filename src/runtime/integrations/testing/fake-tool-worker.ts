/** A tool worker speaking the planned job API, for the tests (not exported). */
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { LocalHttpServer } from './local-http-server';

export interface FakeJob {
  job_id: string;
  run_id: string;
  tool_calls: JsonValue;
  metadata: JsonValue;
  status: 'pending' | 'running' | 'completed' | 'failed';
  result?: JsonValue;
  error?: string;
}

export class FakeToolWorker {
  readonly jobs = new Map<string, FakeJob>();
  private next = 1;
  private constructor(readonly server: LocalHttpServer) {}

  static async start(): Promise<FakeToolWorker> {
    let self: FakeToolWorker | null = null;
    const server = await LocalHttpServer.start((req) => {
      const w = self!;
      if (req.method === 'POST' && req.path === '/v1/tool_jobs' && isJsonObject(req.json)) {
        const body = req.json;
        const job: FakeJob = { job_id: `job-${w.next++}`, run_id: String(body['run_id']), tool_calls: body['tool_calls'] ?? [], metadata: body['metadata'] ?? null, status: 'pending' };
        w.jobs.set(job.job_id, job);
        return { status: 201, body: { job_id: job.job_id } };
      }
      const m = /^\/v1\/tool_jobs\/([^/]+)$/.exec(req.path);
      const job = m && req.method === 'GET' ? w.jobs.get(decodeURIComponent(m[1]!)) : undefined;
      if (!job) return { status: 404, body: { error: 'no such job' } };
      const out: JsonObject = { job_id: job.job_id, status: job.status };
      if (job.result !== undefined) out['result'] = job.result;
      if (job.error !== undefined) out['error'] = job.error;
      return { body: out };
    });
    self = new FakeToolWorker(server);
    return self;
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
