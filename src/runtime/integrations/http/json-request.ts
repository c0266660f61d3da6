import { InvalidArgumentError } from '../../errors';
import { type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { type HttpFailureKind } from '../errors';

/** The platform `fetch`, or a test double with the same shape. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Builds the caller's typed error (LLM or tool job) for a failed exchange. */
export type HttpErrorFactory = (kind: HttpFailureKind, message: string, details: Record<string, unknown>, cause?: unknown) => Error;

export interface JsonRequestInit {
  method: 'GET' | 'POST';
  url: string;
  headers?: Readonly<Record<string, string>>;
  /** Sent as compact JSON (Python's writer, so big integers and `1.0` survive). */
  body?: JsonValue;
  /** Covers connecting, the status line and reading the whole body. Null: no timeout. */
  timeoutMs: number | null;
  /** The caller's cancellation (a run being cancelled). */
  signal?: AbortSignal;
  fetch?: FetchLike;
  /** Names the other side in messages: "LLM server", "Tool worker". */
  service: string;
  makeError: HttpErrorFactory;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** Parsed losslessly: numbers keep their written text, as Python's json would keep them. */
  body: JsonValue;
}

/** How much of an error body goes into a message: enough to recognise it, not a whole page. */
export const BODY_EXCERPT_CHARS = 500;

export function excerpt(text: string, max = BODY_EXCERPT_CHARS): string {
  const flat = text.trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** A response whose status was OK, and how to turn a later read failure into the caller's error. */
export interface OpenedResponse {
  response: Response;
  /** Maps an exception thrown while reading the body (timeout, cancel, reset) to a typed error. */
  fail: (e: unknown) => Error;
}

/** The whole body as text, read under the request's signal: a server that sends headers and then stalls is a timeout too. */
export async function readBodyText({ response, fail }: OpenedResponse): Promise<string> {
  try {
    return await response.text();
  } catch (e) {
    throw fail(e);
  }
}

/**
 * Sends the request under a timeout combined with the caller's signal. An error status throws
 * (with a body excerpt); so do no connection, a timeout and cancellation. The body of an OK
 * response is left to the caller to read, under the same signal.
 */
export async function openRequest(init: JsonRequestInit): Promise<OpenedResponse> {
  const headers = buildHeaders(init);
  const timeout = init.timeoutMs === null ? null : AbortSignal.timeout(Math.max(1, init.timeoutMs));
  const signals = [timeout, init.signal].filter((s): s is AbortSignal => s !== null && s !== undefined);
  const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
  const where = `${init.method} ${init.url}`;
  const fail = (e: unknown): Error => failure(init, timeout, e, where);
  if (init.signal?.aborted) throw fail(init.signal.reason);
  let response: Response;
  try {
    response = await (init.fetch ?? fetch)(init.url, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : pyJsonDumps(init.body, { separators: [',', ':'] }),
      signal,
    });
  } catch (e) {
    throw fail(e);
  }
  if (response.ok) return { response, fail };
  let text: string;
  try {
    text = await response.text();
  } catch (e) {
    throw fail(e);
  }
  const details = { status: response.status, url: init.url, method: init.method, body_excerpt: excerpt(text), retry_after: response.headers.get('retry-after') };
  const reason = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  throw init.makeError('http_status', `${init.service} answered HTTP ${reason} to ${where}: ${excerpt(text) || '(empty body)'}`, details);
}

/**
 * One JSON request with a timeout, cancellation and a typed error for every way it can fail:
 * an error status (with a body excerpt), no connection, too slow, cancelled, or a body that is not
 * JSON. Each failure throws, so an effect handler using it fails and the retry policy applies.
 */
export async function requestJson(init: JsonRequestInit): Promise<JsonResponse> {
  const opened = await openRequest(init);
  const { response } = opened;
  const text = await readBodyText(opened);
  try {
    return { status: response.status, headers: response.headers, body: parseJson(text) };
  } catch (e) {
    const details = { status: response.status, url: init.url, method: init.method, body_excerpt: excerpt(text) };
    const why = e instanceof Error ? e.message : String(e);
    throw init.makeError('malformed_response', `${init.service} sent a body that is not JSON in answer to ${init.method} ${init.url} (${why}); it starts with: ${excerpt(text, 200) || '(empty body)'}`, details, e);
  }
}

function buildHeaders(init: JsonRequestInit): Headers {
  try {
    const headers = new Headers(init.headers ?? {});
    if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
    if (!headers.has('accept')) headers.set('accept', 'application/json');
    return headers;
  } catch (e) {
    // A configured header the platform refuses (a non-Latin-1 character, a line break): bad config, not a server fault.
    throw new InvalidArgumentError(`Invalid HTTP header for ${init.service}: ${e instanceof Error ? e.message : String(e)}. Header values must be ASCII.`);
  }
}

function failure(init: JsonRequestInit, timeout: AbortSignal | null, e: unknown, where: string): Error {
  if (init.signal?.aborted) {
    const reason = init.signal.reason instanceof Error ? init.signal.reason.message : String(init.signal.reason ?? 'aborted');
    return init.makeError('aborted', `${where} was cancelled: ${reason}`, { url: init.url, method: init.method }, e);
  }
  if (timeout?.aborted) {
    const seconds = (init.timeoutMs ?? 0) / 1000;
    return init.makeError('timeout', `${init.service} did not answer ${where} within ${seconds} s (timeout)`, { url: init.url, method: init.method, timeout_s: seconds }, e);
  }
  return init.makeError('network', `${init.service} could not be reached for ${where}: ${networkReason(e)}`, { url: init.url, method: init.method }, e);
}

/** undici reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. */
function networkReason(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${cause.message})` : cause.message;
  }
  return e.message;
}
