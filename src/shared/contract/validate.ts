import { StudioError } from './errors';
import { isOperationName, requestSchemas, type OperationName, type Request } from './operations';

/**
 * Validates a request at the edge of the backend (both hosts call it before the service). A bad
 * request becomes a BAD_REQUEST error listing every problem with its field, and changes nothing.
 */
export function validateRequest(op: unknown, request: unknown): { op: OperationName; request: Request<OperationName> } {
  if (!isOperationName(op)) {
    throw new StudioError('UNKNOWN_OPERATION', `Unknown operation ${JSON.stringify(String(op)).slice(0, 120)}. The Studio and its backend may be different versions: reload the window.`);
  }
  const parsed = requestSchemas[op].safeParse(request ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`);
    throw new StudioError('BAD_REQUEST', `Invalid request for ${op}: ${problems.join('; ')}.`, { problems });
  }
  return { op, request: parsed.data as Request<OperationName> };
}
