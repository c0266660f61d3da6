import { type RunWorkflowVersion } from '../../../../shared/contract';

const short = (v: string) => v.slice(0, 8);

/**
 * Which version of its workflow's module the run started with, in the run header. A module that
 * reloaded since does not change a run in progress; after a restart only the new code is left,
 * and the run says that it now runs it.
 */
export function RunVersion({ version }: { version: RunWorkflowVersion | null | undefined }) {
  if (!version) return null;
  const { started, loaded, keepsStarted } = version;
  if (!keepsStarted) {
    return (
      <span className="run-version changed" data-testid="run-version" title="The Studio restarted after the module changed: the version the run started with is gone">
        started with module v {short(started)}, runs v {loaded ? short(loaded) : '—'} now
      </span>
    );
  }
  if (loaded === started) {
    return <span className="run-version mono" data-testid="run-version" title="The version of its workflow's module this run runs (the loaded one)">module v {short(started)}</span>;
  }
  return (
    <span className="run-version" data-testid="run-version" title="The module reloaded after this run started; the run keeps the code it started with">
      module v {short(started)} (its start version; v {loaded ? short(loaded) : '—'} loaded now)
    </span>
  );
}
