import { InvalidArgumentError } from '../../errors';
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { toolResult, type ToolExecution, type ToolExecutionContext, type ToolExecutor } from './tool-executor';

/** Decides, per call, whether a person must approve it before it runs. */
export type RequiresApproval = (name: string, call: JsonObject) => boolean;

/** A person's answer for one call; `arguments` replaces the LLM's (an edit). */
export interface ToolCallDecision {
  approved: boolean;
  arguments?: JsonObject;
  reason?: string;
}

/** Decisions keyed by `toolCallKey`: the call id, or `#<index>` for a call without one. */
export type ToolCallDecisions = Readonly<Record<string, ToolCallDecision>>;

export function toolCallKey(call: JsonValue, index: number): string {
  const id = isJsonObject(call) ? call['call_id'] : undefined;
  return typeof id === 'string' && id !== '' ? id : `#${index}`;
}

const nameOf = (call: JsonValue): string => (isJsonObject(call) && typeof call['name'] === 'string' ? call['name'] : '');

/**
 * Runs trusted calls at once and holds the rest for a person. When any call of a batch needs
 * approval, nothing runs: the executor answers `mode: "approval"` with the keys of the calls to
 * review, and the TOOL_CALLS handler makes the run wait (reason `event`) with the calls in details.
 * The host then resumes the run with `executeApprovedToolCalls(...)`.
 */
export class ApprovalToolExecutor implements ToolExecutor {
  readonly inner: ToolExecutor;
  readonly requiresApproval: RequiresApproval;

  constructor(options: { inner: ToolExecutor; requiresApproval: RequiresApproval }) {
    this.inner = options.inner;
    this.requiresApproval = options.requiresApproval;
  }

  needsApproval(call: JsonValue): boolean {
    return this.requiresApproval(nameOf(call), isJsonObject(call) ? call : {});
  }

  async execute(toolCalls: readonly JsonValue[], context: ToolExecutionContext): Promise<ToolExecution> {
    const pending = toolCalls.flatMap((c, i) => (this.needsApproval(c) ? [toolCallKey(c, i)] : []));
    if (pending.length === 0) return this.inner.execute(toolCalls, context);
    return { mode: 'approval', approval_required: pending, tool_calls: [...toolCalls] };
  }
}

/**
 * What the host resumes an approval wait with: approved calls run (with edited arguments, if any),
 * rejected ones get `success: false` and the reviewer's reason, and calls that needed no approval
 * run too. Results keep the calls' order; `decisions` records who-decided-what for the audit
 * trail (the resume payload is written to the ledger). Missing or unknown decisions throw before
 * anything runs.
 */
export async function executeApprovedToolCalls(
  executor: ToolExecutor,
  toolCalls: readonly JsonValue[],
  decisions: ToolCallDecisions,
  context: Partial<ToolExecutionContext> = {},
): Promise<JsonObject> {
  const approval = executor instanceof ApprovalToolExecutor ? executor : null;
  const inner = approval ? approval.inner : executor;
  const keys = toolCalls.map(toolCallKey);
  const unknown = Object.keys(decisions).filter((k) => !keys.includes(k));
  if (unknown.length > 0) throw new InvalidArgumentError(`No tool call with key ${unknown.map((k) => `'${k}'`).join(', ')} in this batch (keys: ${keys.join(', ')})`);
  const plan = toolCalls.map((call, i) => planCall(call, keys[i] as string, decisions, approval));
  const toRun = plan.flatMap((p) => (p.run ? [p.run] : []));
  const ran = toRun.length > 0 ? await inner.execute(toRun, fullContext(context)) : { mode: 'executed', results: [] };
  const ranResults = ran['results'];
  if (ran['mode'] !== 'executed' || !Array.isArray(ranResults) || ranResults.length !== toRun.length) {
    throw new InvalidArgumentError(`The tool executor did not run the approved calls (mode '${String(ran['mode'])}'); pass an executor that runs tools in-process`);
  }
  let next = 0;
  const results = plan.map((p) => (p.run ? (ranResults[next++] as JsonValue) : p.rejection));
  const audit = plan.flatMap((p) => (p.audit ? [p.audit] : []));
  return { mode: 'executed', results, decisions: audit };
}

interface PlannedCall {
  run: JsonObject | null;
  rejection: JsonObject | null;
  audit: JsonObject | null;
}

function planCall(call: JsonValue, key: string, decisions: ToolCallDecisions, approval: ApprovalToolExecutor | null): PlannedCall {
  const obj: JsonObject = isJsonObject(call) ? call : {};
  const decision = Object.hasOwn(decisions, key) ? decisions[key] : undefined;
  if (!decision) {
    if (!approval || approval.needsApproval(call)) throw new InvalidArgumentError(`Tool call '${key}' (${nameOf(call)}) needs a decision: approve or reject it`, { key });
    return { run: obj, rejection: null, audit: null };
  }
  const callId = isJsonObject(call) && typeof call['call_id'] === 'string' ? call['call_id'] : '';
  const reason = decision.reason ?? null;
  if (!decision.approved) {
    const rejection = toolResult({ name: nameOf(call), call_id: callId }, { error: `Rejected by reviewer${reason ? `: ${reason}` : ''}` });
    return { run: null, rejection, audit: { call_id: callId, name: nameOf(call), approved: false, edited: false, reason } };
  }
  if (decision.arguments !== undefined && !isJsonObject(decision.arguments)) {
    throw new InvalidArgumentError(`Edited arguments of tool call '${key}' must be a JSON object`, { key });
  }
  const edited = decision.arguments !== undefined;
  const run: JsonObject = edited ? { ...obj, arguments: decision.arguments as JsonObject } : obj;
  const audit: JsonObject = { call_id: callId, name: nameOf(call), approved: true, edited, reason };
  if (edited) audit['arguments'] = decision.arguments as JsonObject;
  return { run, rejection: null, audit };
}

function fullContext(c: Partial<ToolExecutionContext>): ToolExecutionContext {
  return { runId: c.runId ?? '', nodeId: c.nodeId ?? '', actorId: c.actorId ?? null, sessionId: c.sessionId ?? null, signal: c.signal ?? new AbortController().signal };
}
