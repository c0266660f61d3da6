import { useEffect, useState } from 'react';
import { selectBusy } from '../../stores/ui-store';
import { useUi } from '../../stores/stores-context';

/** Names the long operation in flight; shows up only after 250 ms so quick calls do not flicker. */
export function BusyIndicator() {
  const busy = useUi(selectBusy);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (busy.length === 0) {
      setVisible(false);
      return;
    }
    const t = setTimeout(() => setVisible(true), 250);
    return () => clearTimeout(t);
  }, [busy.length]);
  const op = busy.at(-1);
  if (!visible || !op) return null;
  return (
    <div className="busy" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {op.label}…{busy.length > 1 ? <span className="faint"> (+{busy.length - 1})</span> : null}
    </div>
  );
}
