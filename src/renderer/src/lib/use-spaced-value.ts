import { useEffect, useRef, useState } from 'react';

/**
 * `value` as it was at most `ms` ago while `moving`, and `value` itself at once when not: for a
 * derivation whose cost grows with the value (the graph walks every loaded record), so a run
 * driven fast costs a few walks a second instead of one per frame, and the last value is shown
 * the moment the run rests.
 */
export function useSpacedValue<T>(value: T, ms: number, moving: boolean): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  latest.current = value;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (!moving || timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      setShown(latest.current);
    }, ms);
  }, [value, ms, moving]);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return moving ? shown : value;
}
