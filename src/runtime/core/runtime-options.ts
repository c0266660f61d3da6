import { type TracerProvider } from '@opentelemetry/api';
import { type TraceLinkListener } from '../telemetry/run-tracing';
import { type ArtifactStore } from '../artifacts/artifact-store';
import { type JsonObject } from '../json/json-value';
import { type Clock } from '../json/timestamp';
import { type WorkflowRegistry } from '../scheduler/workflow-registry';
import { type LedgerStore } from '../storage/ledger-store';
import { type RunStore } from '../storage/run-store';
import { type RuntimeConfig } from './config';
import { type EffectHandler } from './effect-handler';
import { type EffectType } from './enums';
import { type EffectPolicy } from './policy';
import { type RunState } from './models';
import { type RunContext, type WorkflowSpec } from './spec';

/** What a Runtime is built from, and what `start` and `resume` take. */
export interface RuntimeOptions {
  runStore: RunStore;
  ledgerStore: LedgerStore;
  /** Merged over the built-ins (wait_event, wait_until, ask_user, start_subworkflow), so they can be replaced. */
  effectHandlers?: Partial<Record<EffectType | string, EffectHandler>>;
  context?: RunContext;
  workflowRegistry?: WorkflowRegistry | null;
  artifactStore?: ArtifactStore | null;
  effectPolicy?: EffectPolicy;
  config?: RuntimeConfig;
  /** Injected time (tests pin it); timestamps are written in Python's isoformat. */
  clock?: Clock;
  /** Injected id generator for runs and steps (uuid4 by default). */
  newId?: () => string;
  /** How retries wait between attempts (seconds); tests inject a recorder. */
  sleep?: (seconds: number) => Promise<void>;
  /**
   * Commit each effect's `started` record before its handler runs (the reference's behaviour, and
   * the default with non-atomic stores). With an atomic store the default is false: a step is one
   * transaction (started and finished records and the new state together), which is several
   * times faster; an attempt cut short by a crash then leaves no `started` record.
   */
  writeAhead?: boolean;
  /**
   * OpenTelemetry: spans go to this provider, else to the app's global one; with neither set,
   * tracing costs one check per commit. `onTraceLink` hears where each finished record landed.
   */
  tracerProvider?: TracerProvider | null;
  onTraceLink?: TraceLinkListener | null;
  /**
   * A debugger's say over child runs that a `start_subworkflow` (not async) ticks inside its
   * parent's node: asked before each of the child's nodes, as `TickOptions.shouldStop` is for the
   * run being ticked. True holds the child there, and the parent waits on it as on a waiting
   * child (reason subworkflow, `details.sub_waiting.held` true) until the child ends. Not in the
   * reference (with no such host a child still running after its tick fails the parent's effect,
   * as there).
   */
  childStop?: StopPredicate | null;
}

export interface StartOptions {
  workflow: WorkflowSpec;
  vars?: JsonObject | null;
  actorId?: string | null;
  sessionId?: string | null;
  parentRunId?: string | null;
}

export interface ResumeOptions {
  workflow: WorkflowSpec;
  runId: string;
  /** Checked against the stored wait key unless null. */
  waitKey: string | null;
  payload: JsonObject;
  /** Who answered; recorded in the ledger (defaults to the run's actor). */
  actorId?: string | null;
  maxSteps?: number;
  /** As in `TickOptions`: asked before each node run after the resume. */
  shouldStop?: StopPredicate;
  /** How the answer reached this process (a run request: its id, who asked, who carried it out); recorded beside it as `result.via`. */
  via?: JsonObject | null;
}

/**
 * Asked before each node of a tick with the state about to run; true ends the tick before that
 * node. A promise lets the host yield between nodes while the run stays leased to it.
 */
export type StopPredicate = (run: Readonly<RunState>) => boolean | Promise<boolean>;

export interface TickOptions {
  workflow: WorkflowSpec;
  runId: string;
  /** Nodes at most in this tick (default 100). */
  maxSteps?: number;
  shouldStop?: StopPredicate;
}
