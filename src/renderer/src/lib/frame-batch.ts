/**
 * Holds values by key and hands them over together once per animation frame: a run driven fast
 * announces its records and its state many times a second, and the screen can show one update a
 * frame at most. Values of one key merge (`merge`), so nothing is lost, only joined; `flush` hands
 * over what is held at once (before an event that must not overtake it).
 */
export interface FrameBatch<T> {
  push(key: string, value: T): void;
  flush(): void;
  cancel(): void;
}

/** Where frames stop coming (a hidden tab), at least this often; with no frames at all (no DOM), at once. */
const FALLBACK_MS = 100;

/** `apply` gets what was held, by key, in the order the keys first came. */
export function frameBatch<T>(apply: (items: ReadonlyArray<readonly [string, T]>) => void, merge: (held: T, next: T) => T = (_h, n) => n): FrameBatch<T> {
  const held = new Map<string, T>();
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const raf = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : null;

  function stop(): void {
    if (frame !== null) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
    frame = null;
    timer = null;
  }

  function flush(): void {
    stop();
    if (held.size === 0) return;
    const items = [...held];
    held.clear();
    apply(items);
  }

  return {
    push(key, value) {
      const prev = held.get(key);
      held.set(key, prev === undefined ? value : merge(prev, value));
      if (frame !== null || timer !== null) return;
      if (raf) frame = raf(flush);
      timer = setTimeout(flush, raf ? FALLBACK_MS : 0);
    },
    flush,
    cancel() {
      stop();
      held.clear();
    },
  };
}
