import { hasConnection } from '../client/connection';
import { type LiveUpdate } from './live-updates';
import { currentSummary } from './chain-store';
import { type StudioStores } from './studio-stores';

/** Runs whose chain is verified automatically when opened; bigger ones wait for a click. */
export const AUTO_VERIFY_LIMIT = 20_000;

/**
 * Connects the stores to the backend's events and to each other. Kept in one place so the flow
 * of a live update (event → which stores) can be read top to bottom. Returns an unsubscribe.
 */
export function wireStores(s: StudioStores): () => void {
  const offs: Array<() => void> = [];
  const c = s.client;

  // Records and states of driven runs are taken once a frame (see LiveUpdates), records first.
  s.live.connect((items) => applyLive(s, items));
  /** Any other event is taken in order: what was held before it goes first. */
  const inOrder = <T,>(apply: (payload: T) => void) => (payload: T) => {
    s.live.flush();
    apply(payload);
  };
  offs.push(
    c.subscribe('run.changed', (run) => s.live.push({ run })),
    c.subscribe('ledger.appended', (appended) => s.live.push({ appended })),
    c.subscribe('prompt.pending', inOrder((p) => s.prompts.getState().applyPending(p))),
    c.subscribe('prompt.answered', inOrder(({ runId, waitKey }) => s.prompts.getState().applyAnswered(runId, waitKey))),
    c.subscribe('scheduler.status', (st) => s.workspace.getState().setScheduler(st)),
    c.subscribe('run.driveError', ({ runId, message }) => s.control.getState().applyDriveError(runId, message)),
    c.subscribe('job.progress', (p) => s.chain.getState().applyProgress(p)),
    c.subscribe(
      'job.finished',
      inOrder((p) => {
        s.chain.getState().applyFinished(p, p.result);
        // A request made while this job ran was not sent (it would only repeat it): what grew since is verified now.
        // (Not after a failed job: it would be asked again at once, and fail again.)
        if (p.result && !p.error) maybeAutoVerify(s);
      }),
    ),
    c.subscribe('workspace.changed', inOrder((w) => s.workspace.getState().setWorkspace(w))),
    c.subscribe('workspace.dataChanged', inOrder(({ sourceId }) => onSourceChanged(s, sourceId))),
    c.subscribe(
      'workflows.changed',
      inOrder(({ sourceId, workspace, workflows }) => {
        s.workspace.getState().setWorkflows(sourceId, workspace, workflows);
        // The open run's header says which module version it runs against the loaded one: read it again.
        void s.runView.getState().reloadDetail();
      }),
    ),
    () => s.live.connect(null),
  );

  if (hasConnection(c)) {
    offs.push(
      c.onConnectionChange((state) => {
        const was = s.workspace.getState().connection;
        s.workspace.getState().setConnection(state);
        // Events were missed while the socket was down: reload what is on screen.
        if (state === 'live' && was === 'reconnecting') reloadVisible(s);
      }),
    );
  }

  // Selecting a record reads it in full and shows its diff; opening a run scopes the inspector's lists to it.
  offs.push(
    s.runView.subscribe((now, prev) => {
      if (now.selectedSeq !== prev.selectedSeq || now.runId !== prev.runId) {
        s.record.getState().show(now.runId, now.selectedSeq);
        s.diff.getState().show(now.runId, now.selectedSeq);
      }
      if (now.runId !== prev.runId) onRunOpened(s, now.runId);
      if (now.detail !== prev.detail || now.ledger.total !== prev.ledger.total) maybeAutoVerify(s);
    }),
  );

  // A workspace switch invalidates everything shown, verdicts included: they belong to their source.
  s.chain.getState().setSource(s.workspace.getState().workspace?.id ?? null);
  offs.push(
    s.workspace.subscribe((now, prev) => {
      if (now.workspace?.id === prev.workspace?.id) return;
      s.chain.getState().setSource(now.workspace?.id ?? null);
      // The first workspace info after a start or reload is no switch: a run opened before it
      // arrived (by the URL, or a click on a listed run) belongs to it and stays open.
      reloadVisible(s, prev.workspace !== null);
    }),
  );

  return () => offs.forEach((off) => off());
}

/** Records first, whatever order the updates came in: a run shown "completed" has its records. */
function applyLive(s: StudioStores, items: readonly LiveUpdate[]): void {
  for (const u of items) if (u.appended) s.runView.getState().applyLedgerAppended(u.appended.runId, u.appended.entries, u.appended.lastSeq);
  for (const u of items) {
    if (!u.run) continue;
    s.runs.getState().applyRunChanged(u.run);
    s.runView.getState().applyRunChanged(u.run);
    s.prompts.getState().applyRunChanged(u.run);
  }
}

/**
 * Another connection or process wrote to the open source: nothing on screen may outlive the data
 * it came from. Verdicts are dropped (badges say "not yet verified", and a small run re-verifies
 * by itself), and the run list, inbox, open run, its records, the selected record and its diff are
 * read again.
 */
function onSourceChanged(s: StudioStores, sourceId: string): void {
  if (sourceId !== s.chain.getState().sourceId) return;
  s.chain.getState().invalidateSource(sourceId);
  void s.runs.getState().refresh();
  void s.prompts.getState().load();
  const { runId, selectedSeq } = s.runView.getState();
  if (runId) void s.runView.getState().refresh().then(() => maybeAutoVerify(s));
  if (runId && selectedSeq !== null) {
    s.record.getState().refresh();
    s.diff.getState().show(runId, selectedSeq);
  }
}

function onRunOpened(s: StudioStores, runId: string | null): void {
  void s.snapshots.getState().load({ runId });
  void s.artifacts.getState().load(runId);
  maybeAutoVerify(s);
}

/** How often at most a moving run's new records are verified (the backend reads only those). */
export const REVERIFY_MOVING_MS = 1000;

const reverifyTimers = new WeakMap<StudioStores, ReturnType<typeof setTimeout>>();

/**
 * Small runs are verified when opened, and again after they grow, so the badges of new records
 * turn from "unchecked" to "verified" by themselves: at once when the run stops (a step, a
 * breakpoint, its end), at most once a second while it runs.
 */
function maybeAutoVerify(s: StudioStores): void {
  const { runId, detail, ledger } = s.runView.getState();
  if (!runId || !detail || detail.runId !== runId) return;
  const total = Math.max(ledger.total, detail.ledgerCount);
  if (total === 0 || total > AUTO_VERIFY_LIMIT) return;
  const summary = currentSummary(s.chain.getState(), runId);
  if (summary && summary.count >= total) return;
  const pending = reverifyTimers.get(s);
  if (!summary || detail.status !== 'running') {
    if (pending !== undefined) clearTimeout(pending);
    reverifyTimers.delete(s);
    void s.chain.getState().verify(runId);
    return;
  }
  if (pending !== undefined) return;
  reverifyTimers.set(
    s,
    setTimeout(() => {
      reverifyTimers.delete(s);
      if (s.runView.getState().runId === runId) maybeAutoVerifyNow(s, runId);
    }, REVERIFY_MOVING_MS),
  );
}

/** The timer's turn: verify what grew since, if it still did. */
function maybeAutoVerifyNow(s: StudioStores, runId: string): void {
  const { detail, ledger } = s.runView.getState();
  const summary = currentSummary(s.chain.getState(), runId);
  if (detail && (!summary || summary.count < Math.max(ledger.total, detail.ledgerCount))) void s.chain.getState().verify(runId);
}

export function reloadVisible(s: StudioStores, workspaceChanged = false): void {
  void s.runs.getState().refresh();
  void s.prompts.getState().load();
  const runId = s.runView.getState().runId;
  if (workspaceChanged) {
    void s.runs.getState().setFilters({});
    void s.runView.getState().open(null);
  } else if (runId) {
    void s.runView.getState().reloadDetail();
  }
}
