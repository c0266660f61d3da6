import { encodeRunState, pyJsonDumps, type RunState, type WaitState } from '../../../runtime/index';
import { type ArchiveMark, type ForkOrigin, type RunDetail, type RunSummary, type WaitInfo } from '../../../shared/contract/domain';
import { type RunStop } from '../../../shared/contract/run-stop';

/** What the runs list needs beyond the state: counts and origin, from the store's index. */
export interface RunListFacts {
  childCount: number;
  ledgerCount: number;
  forkCount?: number;
  paused: boolean;
  forkedFrom: ForkOrigin | null;
  stop: RunStop | null;
  archived?: ArchiveMark | null;
}

export function waitLabel(w: WaitState | null): string | null {
  if (!w) return null;
  switch (w.reason) {
    case 'user':
      return w.prompt;
    case 'until':
      return w.until ? `until ${w.until}` : 'until (no time)';
    case 'subworkflow':
      return `child ${String(w.details?.['sub_run_id'] ?? '')}`.trim();
    default:
      return w.waitKey;
  }
}

export function toWaitInfo(w: WaitState): WaitInfo {
  return {
    reason: w.reason,
    waitKey: w.waitKey,
    until: w.until,
    resumeToNode: w.resumeToNode,
    resultKey: w.resultKey,
    prompt: w.prompt,
    choices: w.choices,
    allowFreeText: w.allowFreeText,
    detailsJson: w.details ? pyJsonDumps(w.details, { indent: 2 }) : null,
  };
}

export function toRunSummary(run: RunState, facts: RunListFacts): RunSummary {
  return {
    runId: run.runId,
    workflowId: run.workflowId,
    status: run.status,
    currentNode: run.currentNode,
    waitReason: run.waiting?.reason ?? null,
    waitLabel: waitLabel(run.waiting),
    error: run.error,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    parentRunId: run.parentRunId,
    childCount: facts.childCount,
    ledgerCount: facts.ledgerCount,
    forkCount: facts.forkCount ?? 0,
    paused: facts.paused,
    forkedFrom: facts.forkedFrom,
    stop: facts.stop,
    actorId: run.actorId,
    archived: facts.archived ?? null,
    deleted: null,
  };
}

export interface RunDetailExtras {
  breakpoints: string[];
  forks: RunDetail['forks'];
  children: RunDetail['children'];
  ledgerHead: string | null;
}

export function toRunDetail(run: RunState, facts: RunListFacts, extras: RunDetailExtras): RunDetail {
  return {
    ...toRunSummary(run, facts),
    waiting: run.waiting ? toWaitInfo(run.waiting) : null,
    stateJson: pyJsonDumps(encodeRunState(run), { indent: 2 }),
    varsJson: pyJsonDumps(run.vars, { indent: 2 }),
    outputJson: run.output ? pyJsonDumps(run.output, { indent: 2 }) : null,
    actorId: run.actorId,
    sessionId: run.sessionId,
    ...extras,
  };
}
