import { useEffect, useRef, useState } from 'react';
import { selectFilterHint, selectFilterText } from '../../stores/runs-store';
import { selectSearchFocusTick } from '../../stores/ui-store';
import { useRuns, useStores, useUi } from '../../stores/stores-context';

const QUICK: Array<[string, string]> = [
  ['status:waiting', 'Waiting'],
  ['status:failed', 'Failed'],
  ['archived:yes', 'Archived'],
  ['status:deleted', 'Deleted'],
];

/**
 * The runs filter: one field that reads `status:waiting workflow:x wait:user archived:yes
 * sort:created` and plain words (searched for in ids, workflows and saved state). It is kept in
 * the URL. Typing is debounced so a query per key is not sent; a key it does not know is a hint
 * under the field, and the list stays as it was.
 */
export function RunFilters() {
  const { runs } = useStores();
  const stored = useRuns(selectFilterText);
  const hint = useRuns(selectFilterHint);
  const focusTick = useUi(selectSearchFocusTick);
  const [text, setText] = useState(stored);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (focusTick > 0) input.current?.focus();
  }, [focusTick]);

  // Filters set elsewhere (a workflow clicked, a pasted link, the back button) show here.
  useEffect(() => setText(stored), [stored]);

  useEffect(() => {
    if (text === runs.getState().filterText) return;
    const t = setTimeout(() => runs.getState().setFilterText(text), 250);
    return () => clearTimeout(t);
  }, [text, runs]);

  const toggle = (token: string) => {
    const has = text.split(/\s+/).includes(token);
    const next = has ? text.split(/\s+/).filter((w) => w !== token).join(' ') : `${text.trim()} ${token}`.trim();
    setText(next);
    runs.getState().setFilterText(next);
  };
  return (
    <div className="run-filters">
      <div className="search">
        <input
          ref={input}
          className={`input${hint ? ' invalid' : ''}`}
          type="search"
          placeholder="Filter: status:waiting workflow:… or words"
          aria-label="Search runs"
          aria-describedby="run-filter-hint"
          aria-invalid={hint ? true : undefined}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.currentTarget.blur();
              setText('');
            }
            if (e.key === 'Enter') runs.getState().setFilterText(text);
          }}
        />
        <kbd className="search-kbd" aria-hidden="true">/</kbd>
      </div>
      <div id="run-filter-hint" className={hint ? 'field-error filter-hint' : 'filter-hint faint'} role={hint ? 'alert' : undefined} data-testid="run-filter-hint">
        {hint ?? 'status: workflow: wait: archived: sort: fork: or words'}
      </div>
      <div className="quick-filters" role="group" aria-label="Quick filters">
        {QUICK.map(([token, label]) => (
          <button key={token} type="button" className="chip" aria-pressed={text.split(/\s+/).includes(token)} onClick={() => toggle(token)}>
            {label}
          </button>
        ))}
      </div>
    </div>
  );
}
