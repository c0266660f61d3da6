/** Builders of contract DTOs for unit tests, so each test states only what it cares about. */
import {
  type ChainSummary,
  type LedgerEntry,
  type LedgerRecord,
  type PendingPrompt,
  type RunDetail,
  type RunSummary,
  type WorkflowInfo,
} from '../../../shared/contract';

export function entry(seq: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    seq, nodeId: 'n', status: 'completed', effectType: null, kind: 'other', attempt: 1,
    startedAt: '2026-01-01T00:00:00Z', endedAt: null, durationMs: null, actorId: null, failure: null,
    prevHash: null, recordHash: null, ...over,
  };
}

export function ledgerRecord(seq: number, over: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    ...entry(seq), runId: 'r1', stepId: `s${seq}`, error: null, idempotencyKey: null, signature: null,
    effectJson: null, resultJson: null, recordJson: '{}', ...over,
  };
}

export function runSummary(runId: string, over: Partial<RunSummary> = {}): RunSummary {
  return {
    runId, workflowId: 'wf', status: 'running', currentNode: 'start', waitReason: null, waitLabel: null, error: null,
    createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', parentRunId: null, childCount: 0,
    ledgerCount: 0, paused: false, forkedFrom: null, stop: null, ...over,
  };
}

export function runDetail(runId: string, over: Partial<RunDetail> = {}): RunDetail {
  return {
    ...runSummary(runId), waiting: null, stateJson: '{}', varsJson: '{}', outputJson: null, actorId: null, sessionId: null,
    breakpoints: [], forks: [], children: [], ledgerHead: null, ...over,
  };
}

export function workflow(nodes: string[], edges: Array<[string, string]>, over: Partial<WorkflowInfo> = {}): WorkflowInfo {
  return {
    workflowId: 'wf', description: null, entryNode: nodes[0] ?? 'start', source: null,
    nodes: nodes.map((id) => ({ id, label: id, kind: 'step', effectType: null, description: null, workflowId: null })),
    edges: edges.map(([from, to]) => ({ from, to, label: null })),
    ...over,
  };
}

export function chainSummary(over: Partial<ChainSummary> = {}): ChainSummary {
  return {
    runId: 'r1', sourceId: 'ws', ok: true, chain: 'verified', count: 0, verifiedCount: 0, headHash: null, firstBadSeq: null, checkedFromSeq: 0, explanation: null,
    errors: [], checkedAt: '2026-01-01T00:00:00Z', ...over,
  };
}

export function prompt(runId: string, over: Partial<PendingPrompt> = {}): PendingPrompt {
  return {
    runId, workflowId: 'wf', nodeId: 'ask', reason: 'user', kind: 'question', waitKey: `user:${runId}:ask`, prompt: 'Name?',
    choices: null, allowFreeText: true, until: null, toolCallsJson: null, since: '2026-01-01T00:00:00Z', ...over,
  };
}
