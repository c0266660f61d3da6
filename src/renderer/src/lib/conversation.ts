import { type LedgerRecord, type WorkspaceSettings } from '../../../shared/contract';

/**
 * A run read as a conversation, built from its ledger records (what was sent and what came back),
 * not from the agent's own copy in vars: system prompt, user messages, each LLM call's answer with
 * its tool calls, the tools' results, approvals and questions with who answered, in ledger order.
 */
export type Turn =
  | { kind: 'system'; key: string; text: string }
  | { kind: 'message'; key: string; role: string; text: string; seq: number }
  | LlmTurn
  | ToolsTurn
  | { kind: 'question'; key: string; seq: number; prompt: string | null; status: LedgerRecord['status']; answer: string | null; answeredBy: string | null }
  | { kind: 'retry'; key: string; seq: number; retriedSeq: number; by: string | null };

export interface Usage {
  promptTokens: number | null;
  completionTokens: number | null;
  totalTokens: number | null;
}

export interface LlmTurn extends Usage {
  kind: 'llm';
  key: string;
  /** The record that holds the outcome (or the started one while the call is in flight). */
  seq: number;
  status: LedgerRecord['status'];
  text: string | null;
  toolCalls: Array<{ id: string | null; name: string; argumentsJson: string }>;
  model: string | null;
  finishReason: string | null;
  latencyMs: number | null;
  error: string | null;
  /** Null when no price is set, or the call reported no usage. */
  cost: number | null;
}

export interface ToolsTurn {
  kind: 'tools';
  key: string;
  seq: number;
  status: LedgerRecord['status'];
  calls: Array<{ callId: string | null; name: string; argumentsJson: string; ok: boolean | null; outputJson: string | null; error: string | null }>;
  /** Set when the calls waited for a person: pending until the resume record says what they decided. */
  approval: { state: 'pending' | 'decided'; decisions: Array<{ name: string; approved: boolean; reason: string | null }>; by: string | null } | null;
  latencyMs: number | null;
}

export interface Conversation {
  turns: Turn[];
  calls: number;
  failedCalls: number;
  /** Sums over the calls that reported usage; null when none did. */
  totals: Usage & { latencyMs: number; cost: number | null };
  /** The failed LLM call a retry would make again: the run's last record, on a failed run. */
  retryable: { seq: number; nodeId: string } | null;
}

type Obj = Record<string, unknown>;
type Pricing = WorkspaceSettings['pricing'];

const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj).filter((o): o is Obj => o !== null) : []);

function parse(json: string | null): Obj | null {
  if (!json) return null;
  try {
    return obj(JSON.parse(json));
  } catch {
    return null;
  }
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return JSON.stringify(v, null, 2);
}

/** Arguments as JSON text: OpenAI sends them as a string of JSON, the runtime as an object. */
function argumentsText(v: unknown): string {
  if (typeof v === 'string') {
    try {
      return JSON.stringify(JSON.parse(v), null, 2);
    } catch {
      return v; // not JSON: shown as the model wrote it
    }
  }
  return JSON.stringify(v ?? {}, null, 2);
}

/** The cost of a call from its usage: null when a price or the usage needed for it is missing. */
export function costOf(u: Usage, pricing: Pricing | null): number | null {
  if (!pricing || (pricing.promptPerMillion === null && pricing.completionPerMillion === null)) return null;
  let cost = 0;
  if (pricing.promptPerMillion !== null) {
    if (u.promptTokens === null) return null;
    cost += (u.promptTokens * pricing.promptPerMillion) / 1_000_000;
  }
  if (pricing.completionPerMillion !== null) {
    if (u.completionTokens === null) return null;
    cost += (u.completionTokens * pricing.completionPerMillion) / 1_000_000;
  }
  return cost;
}

function llmTurn(rec: LedgerRecord, pricing: Pricing | null): LlmTurn {
  const result = parse(rec.resultJson);
  const usage = obj(result?.['usage']) ?? {};
  const u: Usage = { promptTokens: num(usage['prompt_tokens']), completionTokens: num(usage['completion_tokens']), totalTokens: num(usage['total_tokens']) };
  if (u.totalTokens === null && u.promptTokens !== null && u.completionTokens !== null) u.totalTokens = u.promptTokens + u.completionTokens;
  const toolCalls = list(result?.['tool_calls']).map((c) => {
    const fn = obj(c['function']);
    return { id: str(c['id']) ?? str(c['call_id']), name: str(fn?.['name']) ?? str(c['name']) ?? '?', argumentsJson: argumentsText(fn?.['arguments'] ?? c['arguments']) };
  });
  return {
    kind: 'llm',
    key: `llm-${rec.seq}`,
    seq: rec.seq,
    status: rec.status,
    text: str(result?.['content']) || null,
    toolCalls,
    model: str(result?.['model']),
    finishReason: str(result?.['finish_reason']),
    latencyMs: rec.status === 'started' ? null : rec.durationMs,
    error: rec.error,
    ...u,
    cost: rec.status === 'completed' ? costOf(u, pricing) : null,
  };
}

function toolsTurn(rec: LedgerRecord): ToolsTurn {
  const payload = obj(parse(rec.effectJson)?.['payload']) ?? {};
  const result = parse(rec.resultJson);
  const results = list(result?.['results']);
  const calls = list(payload['tool_calls']).map((c, i) => {
    const callId = str(c['call_id']) ?? str(c['id']);
    const r = results.find((x) => callId !== null && x['call_id'] === callId) ?? results[i] ?? null;
    return {
      callId,
      name: str(c['name']) ?? '?',
      argumentsJson: argumentsText(c['arguments']),
      ok: r ? r['success'] === true : null,
      outputJson: r && r['output'] !== undefined && r['output'] !== null ? textOf(r['output']) : null,
      error: r ? str(r['error']) : null,
    };
  });
  const waiting = rec.status === 'waiting';
  return { kind: 'tools', key: `tools-${rec.seq}`, seq: rec.seq, status: rec.status, calls, approval: waiting ? { state: 'pending', decisions: [], by: null } : null, latencyMs: rec.status === 'started' ? null : rec.durationMs };
}

/** Fills in a tools turn that waited for approval from the resume that ended the wait. */
function applyResume(t: ToolsTurn, rec: LedgerRecord): void {
  const payload = obj(obj(parse(rec.resultJson)?.['resume'])?.['payload']) ?? {};
  // The resumed value: what the executor returned for the approved calls (results and decisions).
  const executed = obj(payload['result']) ?? payload;
  // The executor's audit is a list; the Studio's answer is a map from call key to decision.
  const raw = executed['decisions'];
  const decisions = Array.isArray(raw)
    ? list(raw).map((d) => ({ name: str(d['name']) ?? '?', approved: d['approved'] === true, reason: str(d['reason']) }))
    : Object.entries(obj(raw) ?? {}).map(([key, d], i) => ({
        name: (t.calls.find((c) => c.callId === key) ?? t.calls[i])?.name ?? key,
        approved: obj(d)?.['approved'] === true,
        reason: str(obj(d)?.['reason']),
      }));
  const results = list(executed['results']);
  for (const c of t.calls) {
    const r = results.find((x) => c.callId !== null && x['call_id'] === c.callId);
    if (!r) continue;
    c.ok = r['success'] === true;
    c.outputJson = r['output'] !== undefined && r['output'] !== null ? textOf(r['output']) : null;
    c.error = str(r['error']);
  }
  if (decisions.length === 0 && payload['approved'] !== undefined) {
    for (const c of t.calls) decisions.push({ name: c.name, approved: payload['approved'] === true, reason: str(payload['reason']) });
  }
  t.approval = { state: 'decided', decisions, by: rec.actorId };
  t.status = 'completed';
}

/** Puts a result into the call it answers, when that call shows none yet; false when there is no such call. */
function fillToolResult(turns: Turn[], callId: string | null, content: unknown): boolean {
  if (callId === null) return false;
  for (const t of turns) {
    if (t.kind !== 'tools') continue;
    const call = t.calls.find((c) => c.callId === callId);
    if (!call) continue;
    if (call.ok === null) {
      call.ok = true;
      call.outputJson = textOf(content);
    }
    return true;
  }
  return false;
}

/**
 * Builds the conversation. Records of one step come as "started" then the outcome: the outcome
 * replaces the started one in place. Each call's request repeats the whole history, so only its
 * new user and system messages are shown: assistant and tool messages are the earlier calls'
 * answers and the tools' results, already shown from their own records.
 */
export function buildConversation(records: readonly LedgerRecord[], opts: { pricing: Pricing | null; runStatus: string | null; ledgerTotal: number }): Conversation {
  const turns: Turn[] = [];
  const byStep = new Map<string, number>();
  let shownMessages = 0;
  let system: string | null = null;
  let lastWaitingTools: ToolsTurn | null = null;
  let lastQuestion: Extract<Turn, { kind: 'question' }> | null = null;

  const place = (rec: LedgerRecord, turn: Turn): void => {
    const at = byStep.get(`${rec.effectType}:${rec.stepId}`);
    if (at !== undefined) turns[at] = turn;
    else {
      byStep.set(`${rec.effectType}:${rec.stepId}`, turns.length);
      turns.push(turn);
    }
  };

  for (const rec of records) {
    if (rec.effectType === 'llm_call') {
      const payload = obj(parse(rec.effectJson)?.['payload']) ?? {};
      const sys = str(payload['system_prompt']);
      if (!byStep.has(`llm_call:${rec.stepId}`)) {
        if (sys && sys !== system) turns.push({ kind: 'system', key: `system-${rec.seq}`, text: sys });
        system = sys ?? system;
        const messages = list(payload['messages']);
        const prompt = str(payload['prompt']);
        const fresh = messages.length >= shownMessages ? messages.slice(shownMessages) : messages;
        const first = shownMessages === 0;
        fresh.forEach((m, i) => {
          const role = str(m['role']) ?? 'user';
          // A tool's result the tools record did not carry (a call run on approval) fills in its call.
          if (!first && role === 'tool' && fillToolResult(turns, str(m['tool_call_id']), m['content'])) return;
          if (!first && role !== 'user' && role !== 'system') return;
          turns.push({ kind: 'message', key: `msg-${rec.seq}-${i}`, role, text: textOf(m['content']), seq: rec.seq });
        });
        if (prompt) turns.push({ kind: 'message', key: `prompt-${rec.seq}`, role: 'user', text: prompt, seq: rec.seq });
        shownMessages = messages.length;
      }
      place(rec, llmTurn(rec, opts.pricing));
    } else if (rec.effectType === 'tool_calls') {
      const t = toolsTurn(rec);
      place(rec, t);
      lastWaitingTools = t.approval ? t : null;
    } else if (rec.effectType === 'ask_user') {
      const payload = obj(parse(rec.effectJson)?.['payload']) ?? {};
      const q = { kind: 'question' as const, key: `ask-${rec.seq}`, seq: rec.seq, prompt: str(payload['prompt']), status: rec.status, answer: null, answeredBy: null };
      place(rec, q);
      lastQuestion = rec.status === 'waiting' ? q : null;
    } else {
      const result = parse(rec.resultJson);
      const restored = obj(result?.['restored']);
      const retryOf = obj(restored?.['retry_of']);
      if (retryOf && num(retryOf['seq']) !== null) {
        turns.push({ kind: 'retry', key: `retry-${rec.seq}`, seq: rec.seq, retriedSeq: num(retryOf['seq'])!, by: rec.actorId });
      } else if (obj(result?.['resume'])) {
        if (lastWaitingTools) {
          applyResume(lastWaitingTools, rec);
          lastWaitingTools = null;
        } else if (lastQuestion) {
          const payload = obj(obj(result?.['resume'])?.['payload']) ?? {};
          lastQuestion.answer = textOf(payload['response'] ?? payload);
          lastQuestion.answeredBy = rec.actorId;
          lastQuestion.status = 'completed';
          lastQuestion = null;
        }
      }
    }
  }

  const llm = turns.filter((t): t is LlmTurn => t.kind === 'llm');
  const sum = (pick: (t: LlmTurn) => number | null): number | null => llm.reduce<number | null>((acc, t) => (pick(t) === null ? acc : (acc ?? 0) + pick(t)!), null);
  const last = llm.at(-1);
  return {
    turns,
    calls: llm.length,
    failedCalls: llm.filter((t) => t.status === 'failed').length,
    totals: {
      promptTokens: sum((t) => t.promptTokens),
      completionTokens: sum((t) => t.completionTokens),
      totalTokens: sum((t) => t.totalTokens),
      latencyMs: sum((t) => t.latencyMs) ?? 0,
      cost: sum((t) => t.cost),
    },
    retryable: last && last.status === 'failed' && opts.runStatus === 'failed' && last.seq === opts.ledgerTotal - 1 ? { seq: last.seq, nodeId: records.find((r) => r.seq === last.seq)?.nodeId ?? '' } : null,
  };
}
