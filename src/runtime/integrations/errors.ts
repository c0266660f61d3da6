/**
 * Typed errors of the integrations (LLM servers, tool workers). They mirror `RuntimeError`'s shape
 * (`code`, `message`, `details`) without widening its code union, so the core stays unaware of
 * HTTP. When one of these escapes an effect handler, the runtime records
 * `"Effect handler raised exception: <message>"` and the effect policy decides whether to retry.
 */
export type IntegrationErrorCode =
  | 'LLM_HTTP_ERROR'
  | 'LLM_NETWORK_ERROR'
  | 'LLM_TIMEOUT'
  | 'LLM_MALFORMED_RESPONSE'
  | 'LLM_ABORTED'
  | 'TOOL_JOB_ERROR';

/** What went wrong with one HTTP exchange; shared by the LLM client and the tool-job client. */
export type HttpFailureKind = 'http_status' | 'network' | 'timeout' | 'malformed_response' | 'aborted';

export class IntegrationError extends Error {
  readonly code: IntegrationErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: IntegrationErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

const LLM_CODES: Record<HttpFailureKind, IntegrationErrorCode> = {
  http_status: 'LLM_HTTP_ERROR',
  network: 'LLM_NETWORK_ERROR',
  timeout: 'LLM_TIMEOUT',
  malformed_response: 'LLM_MALFORMED_RESPONSE',
  aborted: 'LLM_ABORTED',
};

/** The LLM server could not be reached, answered an error status, was too slow, or sent no JSON. */
export class LlmRequestError extends IntegrationError {
  readonly kind: HttpFailureKind;
  /** HTTP status for `http_status`, else null. */
  readonly status: number | null;

  constructor(kind: HttpFailureKind, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(LLM_CODES[kind], message, { ...details, kind }, options);
    this.kind = kind;
    this.status = typeof details['status'] === 'number' ? details['status'] : null;
  }
}

/** The tool worker refused a job, could not be reached, or answered something that is not a job. */
export class ToolJobError extends IntegrationError {
  readonly kind: HttpFailureKind | 'invalid_job';
  readonly status: number | null;

  constructor(kind: HttpFailureKind | 'invalid_job', message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('TOOL_JOB_ERROR', message, { ...details, kind }, options);
    this.kind = kind;
    this.status = typeof details['status'] === 'number' ? details['status'] : null;
  }
}
