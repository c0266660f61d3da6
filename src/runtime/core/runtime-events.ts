import { type RunState, type StepRecord } from './models';

/** What the runtime announces after each durable commit (the Studio and the scheduler listen). */
export type RuntimeEvent =
  | { type: 'run-saved'; run: RunState }
  | { type: 'records-appended'; runId: string; records: StepRecord[] };

export type RuntimeListener = (event: RuntimeEvent) => void;

/** A tiny synchronous emitter; a throwing listener never breaks a tick. */
export class RuntimeEvents {
  private readonly listeners = new Set<RuntimeListener>();

  on(listener: RuntimeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: RuntimeEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // Listeners are observers; their failures must not change a run's outcome.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
