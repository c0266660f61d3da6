/**
 * Delays between reconnection attempts: exponential from `baseMs` up to `maxMs`, with jitter so
 * several tabs do not hammer a restarting host in step. `random` is injected for tests.
 */
export function reconnectDelay(attempt: number, baseMs = 500, maxMs = 10_000, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
