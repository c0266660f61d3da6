import { type OperationName, type RequestInput, type Response } from '../../src/shared/contract/operations';
import { type StudioHost } from './studio-host';

/**
 * Calls the Studio's contract the way a second window would (the same web host, its token):
 * for setting up what a journey needs (an LLM server URL) and for acting behind the page's back.
 */
export async function api<K extends OperationName>(studio: StudioHost, op: K, request: RequestInput<K>): Promise<Response<K>> {
  const url = new URL(studio.url);
  const res = await fetch(`${url.origin}/api/${op}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Studio-Token': url.searchParams.get('token') ?? '' },
    body: JSON.stringify(request),
  });
  const body = (await res.json()) as { ok: true; result: Response<K> } | { ok: false; error: { code: string; message: string } };
  if (!body.ok) throw Object.assign(new Error(`${op}: ${body.error.code}: ${body.error.message}`), { code: body.error.code });
  return body.result;
}
