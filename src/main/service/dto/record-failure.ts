import { isJsonObject, type StepRecord } from '../../../runtime/index';

/**
 * What went wrong in a record, in words, where its status alone does not say it. A tool_calls
 * effect completes even when its tools failed (each result carries `success: false` and an
 * error, as the reference does), so the failure sits inside the result; a failed record carries
 * its own error. Null when nothing failed.
 */
export function recordFailure(r: StepRecord): string | null {
  if (r.status === 'failed') return r.error ?? 'The step failed without an error message.';
  if (r.effect?.type !== 'tool_calls' || !isJsonObject(r.result)) return null;
  const results = r.result['results'];
  if (!Array.isArray(results)) return null;
  const failed = results.filter((x) => isJsonObject(x) && x['success'] === false);
  if (failed.length === 0) return null;
  const words = failed.map((x) => {
    const o = isJsonObject(x) ? x : {};
    const name = typeof o['name'] === 'string' ? o['name'] : 'a tool';
    const error = typeof o['error'] === 'string' ? o['error'] : 'no error message';
    return `Tool call ${name} failed: ${error}`;
  });
  return failed.length === results.length ? words.join('\n') : `${failed.length} of ${results.length} tool calls failed.\n${words.join('\n')}`;
}
