import { type WaitReason } from './domain';

/**
 * Why a run the Studio drives is standing still, as the driver stated it when it stopped. The
 * run header shows it in words, so a run that does not move always says why (a breakpoint, a
 * pause, a restore that held it, a wait, the end, or an error).
 */
export type RunStop =
  /** Stopped before `node`, which has a breakpoint; the run is paused there. */
  | { kind: 'breakpoint'; node: string }
  /** A person paused it (Pause, or started or forked paused). */
  | { kind: 'paused' }
  /** A Step ran exactly one node (`node`); the run is held after it. */
  | { kind: 'stepped'; node: string }
  /** A snapshot was restored: the run is held until someone presses Continue or Step. */
  | { kind: 'held_after_restore' }
  /** The run waits for something outside it; the driver picks it up when that comes. */
  | { kind: 'waiting'; reason: WaitReason; waitKey: string | null; until: string | null }
  /** The run reached a terminal status. */
  | { kind: 'finished'; status: 'completed' | 'failed' | 'cancelled' }
  /** Driving it threw (a node raised, a workflow is missing): it stands where the error left it. */
  | { kind: 'error'; message: string };

export type RunStopKind = RunStop['kind'];

/** The header's sentence for a stop (markdown-free; the node is named in backticks). */
export function describeRunStop(stop: RunStop): string {
  switch (stop.kind) {
    case 'breakpoint':
      return `paused at breakpoint \`${stop.node}\``;
    case 'paused':
      return 'paused: press Step or Continue';
    case 'stepped':
      return `paused after one step (ran \`${stop.node}\`): press Step or Continue`;
    case 'held_after_restore':
      return 'held after restore: press Continue';
    case 'waiting':
      return stop.reason === 'until' && stop.until ? `waiting until ${stop.until}` : `waiting for ${stop.reason}${stop.waitKey ? ` (${stop.waitKey})` : ''}`;
    case 'finished':
      return stop.status;
    case 'error':
      return `stopped by an error: ${stop.message}`;
  }
}
