import { InvalidArgumentError } from '../../errors';
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { ToolJobError, type HttpFailureKind } from '../errors';
import { requestJson, type FetchLike } from '../http/json-request';

/** A job as the worker reports it (planned item 014). */
export interface ToolJobStatus {
  jobId: string;
  status: 'pending' | 'running' | 'completed' | 'failed';
  result: JsonValue | undefined;
  error: string | null;
}

export interface ToolJobClientOptions {
  /** The worker's root URL, without `/v1`. */
  workerBaseUrl: string;
  headers?: Readonly<Record<string, string>>;
  fetch?: FetchLike;
  /** Per request. Default 30 s. */
  timeoutS?: number;
}

const STATUSES = new Set(['pending', 'running', 'completed', 'failed']);

const makeJobError = (kind: HttpFailureKind, message: string, details: Record<string, unknown>, cause?: unknown): Error =>
  new ToolJobError(kind, message, details, { cause });

/**
 * The remote tool worker's API of planned item 014:
 * `POST /v1/tool_jobs {run_id, tool_calls, metadata?} -> {job_id}` and
 * `GET /v1/tool_jobs/{job_id} -> {status: pending|running|completed|failed, result?, error?}`.
 */
export class ToolJobClient {
  readonly workerBaseUrl: string;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly fetchImpl: FetchLike | undefined;
  private readonly timeoutMs: number;

  constructor(options: ToolJobClientOptions) {
    if (!options.workerBaseUrl) throw new InvalidArgumentError('ToolJobClient requires workerBaseUrl');
    this.workerBaseUrl = options.workerBaseUrl.replace(/\/+$/, '');
    this.headers = { ...(options.headers ?? {}) };
    this.fetchImpl = options.fetch;
    this.timeoutMs = (options.timeoutS ?? 30) * 1000;
  }

  async submit(job: { runId: string; toolCalls: readonly JsonValue[]; metadata?: JsonObject | null }, signal?: AbortSignal): Promise<string> {
    const body: JsonObject = { run_id: job.runId, tool_calls: [...job.toolCalls] };
    if (job.metadata) body['metadata'] = job.metadata;
    const url = `${this.workerBaseUrl}/v1/tool_jobs`;
    const res = await requestJson({ method: 'POST', url, headers: this.headers, body, timeoutMs: this.timeoutMs, signal, fetch: this.fetchImpl, service: 'Tool worker', makeError: makeJobError });
    const jobId = isJsonObject(res.body) ? res.body['job_id'] : undefined;
    if (typeof jobId !== 'string' || jobId === '') {
      throw new ToolJobError('invalid_job', `Tool worker answered POST ${url} without a job_id`, { url });
    }
    return jobId;
  }

  async get(jobId: string, signal?: AbortSignal): Promise<ToolJobStatus> {
    const url = `${this.workerBaseUrl}/v1/tool_jobs/${encodeURIComponent(jobId)}`;
    const res = await requestJson({ method: 'GET', url, headers: this.headers, timeoutMs: this.timeoutMs, signal, fetch: this.fetchImpl, service: 'Tool worker', makeError: makeJobError });
    const body = res.body;
    const status = isJsonObject(body) ? body['status'] : undefined;
    if (!isJsonObject(body) || typeof status !== 'string' || !STATUSES.has(status)) {
      throw new ToolJobError('invalid_job', `Tool worker answered GET ${url} without a status of pending, running, completed or failed`, { url, job_id: jobId });
    }
    const error = body['error'];
    return { jobId, status: status as ToolJobStatus['status'], result: body['result'], error: error === undefined || error === null ? null : String(error) };
  }
}
