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

/** What a held run still waits for, when it does (the run's `waiting`). */
export interface HeldWait {
  reason: WaitReason;
  until: string | null;
}

/**
 * A held run that also waits cannot be stepped (Step runs a node; it has none to run until the
 * wait ends): only Continue, which lets it go on by itself once the wait is over, moves it.
 */
function heldWhileWaiting(held: string, wait: HeldWait): string {
  if (wait.reason === 'user') return `${held}, waiting for an answer: Continue lets it go on once it is answered`;
  if (wait.reason === 'until' && wait.until) return `${held}, waiting until ${wait.until}: Continue lets it go on when the time comes`;
  return `${held}, waiting for ${wait.reason}: Continue lets it go on when it comes`;
}

/**
 * The header's sentence for a stop (markdown-free; the node is named in backticks). `waiting`:
 * what the run waits for, if anything, so a held run that waits is not told to press Step.
 */
export function describeRunStop(stop: RunStop, waiting: HeldWait | null = null): string {
  if (waiting && (stop.kind === 'paused' || stop.kind === 'stepped' || stop.kind === 'held_after_restore')) {
    return heldWhileWaiting(stop.kind === 'held_after_restore' ? 'held after restore' : 'paused', waiting);
  }
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
