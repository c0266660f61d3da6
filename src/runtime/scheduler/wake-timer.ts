/**
 * One timer armed for the earliest requested wake-up time (epoch microseconds). Asking for a later
 * time while an earlier one is armed changes nothing; asking for an earlier one re-arms. The owner
 * re-arms after each fire (the scheduler asks its store for the next due run).
 */
export class WakeTimer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private armedFor: number | null = null;

  constructor(
    private readonly nowMicros: () => number,
    private readonly fire: () => void,
  ) {}

  at(dueMicros: number): void {
    if (this.armedFor !== null && this.armedFor <= dueMicros) return;
    this.clear();
    this.armedFor = dueMicros;
    // +1 ms: setTimeout works in whole milliseconds, and waking a hair early would find nothing due.
    const delayMs = Math.max(0, Math.ceil((dueMicros - this.nowMicros()) / 1000) + 1);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.armedFor = null;
      this.fire();
    }, Math.min(delayMs, 2_147_483_647));
    this.timer.unref?.();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = null;
  }
}
