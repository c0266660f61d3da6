import { useEffect, useState } from 'react';
import { formatCountdown, formatRelative } from '../../lib/format';
import { selectConnection, selectScheduler } from '../../stores/workspace-store';
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
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
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
