/** A thin progress bar; without a total it shows that work is happening without claiming how much. */
export function ProgressBar({ done, total, label }: { done?: number; total?: number; label: string }) {
  const known = done !== undefined && total !== undefined && total > 0;
  const pct = known ? Math.min(100, Math.round((done / total) * 100)) : undefined;
  return (
    <div
      className={`progress${known ? '' : ' indeterminate'}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
    >
      <div style={known ? { width: `${pct}%` } : undefined} />
    </div>
  );
}
