import { useEffect, useState } from 'react';
import { type SchedulerStatus as SchedulerStatusInfo } from '../../../../shared/contract';
import { formatCountdown, formatRelative } from '../../lib/format';
import { selectConnection, selectReadOnly, selectScheduler } from '../../stores/workspace-store';
import { useWorkspace } from '../../stores/stores-context';

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
} as const;

/** Whether the scheduler is running, when it next wakes a timer, and whether events are live. */
export function SchedulerStatus() {
  const scheduler = useWorkspace(selectScheduler);
  const connection = useWorkspace(selectConnection);
  const readOnly = useWorkspace(selectReadOnly);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const workers = scheduler?.workers ?? null;
  if (workers) return <WorkersStatus workers={workers} connection={connection} />;
  // A read-only source (an audit bundle, a Python folder, a file opened for inspection) has no
  // scheduler at all: "stopped" would read as something that could be started.
  if (readOnly) return <ReadOnlyStatus connection={connection} />;
  const running = scheduler?.running ?? false;
  const wake = scheduler?.nextWakeAt ? formatCountdown(scheduler.nextWakeAt, now) : null;
  const title = scheduler
    ? `Scheduler ${running ? 'running' : 'stopped'} · ${scheduler.runsResumed} resumed · ${scheduler.runsFailed} failed · last poll ${formatRelative(scheduler.lastPollAt, now)}${scheduler.lastError ? ` · last error: ${scheduler.lastError}` : ''}`
    : 'Scheduler status unknown';
  return (
    <div className="header-status">
      <span className={`dot ${running ? 'ok' : 'off'}`} aria-hidden="true" />
      <span title={title} aria-label={title}>
        Scheduler {scheduler ? (running ? 'running' : 'stopped') : '—'}
        {wake ? <span className="faint"> · next wake {wake.text}</span> : null}
      </span>
      {scheduler?.lastError ? <span className="tag" style={{ color: 'var(--st-failed)' }} title={scheduler.lastError}>error</span> : null}
      <span className={`conn ${connection}`} role="status" aria-label={`Event stream: ${CONNECTION_TEXT[connection]}`}>
        {CONNECTION_TEXT[connection]}
      </span>
    </div>
  );
}

function ReadOnlyStatus({ connection }: { connection: keyof typeof CONNECTION_TEXT }) {
  const title = 'Opened read-only: no scheduler runs here and nothing is written; timers and answers wait for whoever drives these runs.';
  return (
    <div className="header-status" data-testid="read-only-status">
      <span className="dot off" aria-hidden="true" />
      <span title={title} aria-label={title}>Nothing runs here</span>
      <span className={`conn ${connection}`} role="status" aria-label={`Event stream: ${CONNECTION_TEXT[connection]}`}>
        {CONNECTION_TEXT[connection]}
      </span>
    </div>
  );
}

/**
 * A workspace its workers drive (PostgreSQL): nothing is scheduled here, so the header says which
 * workers are alive instead of "Scheduler stopped", and warns when none is (answers then wait).
 */
function WorkersStatus({ workers, connection }: { workers: NonNullable<SchedulerStatusInfo['workers']>; connection: keyof typeof CONNECTION_TEXT }) {
  const n = workers.length;
  const title =
    n === 0
      ? 'No live worker: answers, cancels and restores are recorded and wait until a worker starts (studio worker --workspace <url> --workflows <dir>).'
      : `Workers drive these runs: ${workers.map((w) => `${w.workerId} (${w.workflowIds.length > 0 ? w.workflowIds.join(', ') : 'no workflows'})`).join('; ')}`;
  return (
    <div className="header-status" data-testid="workers-status" data-live={n}>
      <span className={`dot ${n > 0 ? 'ok' : 'off'}`} aria-hidden="true" />
      <span title={title} aria-label={title}>
        {n === 0 ? 'No live worker' : `${n} worker${n === 1 ? '' : 's'} live`}
      </span>
      <span className={`conn ${connection}`} role="status" aria-label={`Event stream: ${CONNECTION_TEXT[connection]}`}>
        {CONNECTION_TEXT[connection]}
      </span>
    </div>
  );
}
