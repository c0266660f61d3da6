import { useEffect } from 'react';
import { selectToasts, type Toast } from '../../stores/ui-store';
import { useStores, useUi } from '../../stores/stores-context';

/** Errors stay until dismissed (they say what to do); confirmations fade after a few seconds. */
export function ToastStack() {
  const toasts = useUi(selectToasts);
  return (
    <div className="toasts" role="region" aria-label="Notifications" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}

function ToastItem({ toast }: { toast: Toast }) {
  const { ui } = useStores();
  useEffect(() => {
    if (toast.tone === 'error') return;
    const timer = setTimeout(() => ui.getState().dismiss(toast.id), 5000);
    return () => clearTimeout(timer);
  }, [toast, ui]);
  return (
    <div className={`toast ${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'}>
      <div className="toast-body">
        <strong>{toast.title}</strong>
        {toast.message ? <p>{toast.message}</p> : null}
        {toast.advice ? <p className="toast-advice">What to do: {toast.advice}</p> : null}
        {toast.code ? <span className="tag mono">{toast.code}</span> : null}
      </div>
      <button type="button" className="btn ghost icon small" aria-label={`Dismiss: ${toast.title}`} onClick={() => ui.getState().dismiss(toast.id)}>
        ✕
      </button>
    </div>
  );
}
