import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { type EffectHandler } from '../../core/effect-handler';
import { EffectType } from '../../core/enums';
import { EffectOutcome } from '../../core/outcome';
import { WorkflowSpec } from '../../core/spec';
import { formatIsoTimestamp } from '../../json/timestamp';

/**
 * The crash test's workflow: `steps` side effects (each logged outside the workspace, in
 * `effect_log`, before it returns), with a short `wait_until` after every third, then done. The
 * side effect is a `tool_calls` effect whose handler the workers replace with `tallyHandler`.
 */
export const CRASH_WORKFLOW_ID = 'crash_tally';

export const crashWorkflow = new WorkflowSpec({
  workflowId: CRASH_WORKFLOW_ID,
  entryNode: 'step',
  nodes: {
    step: (run) => {
      const i = Number(run.vars['i'] ?? 0);
      if (i >= Number(run.vars['steps'])) return { nodeId: 'step', completeOutput: { i } };
      return { nodeId: 'step', effect: { type: EffectType.TOOL_CALLS, payload: { i }, resultKey: 'last' }, nextNode: 'after' };
    },
    after: (run) => {
      const i = Number(run.vars['i'] ?? 0) + 1;
      run.vars['i'] = i;
      if (i % 3 !== 0) return { nodeId: 'after', nextNode: 'step' };
      const until = formatIsoTimestamp(Date.now() * 1000 + Number(run.vars['wait_ms']) * 1000);
      return { nodeId: 'after', effect: { type: EffectType.WAIT_UNTIL, payload: { until }, resultKey: 'woke' }, nextNode: 'step' };
    },
  },
});

export const EFFECT_LOG_SQL = (schema: string): string =>
  `CREATE TABLE IF NOT EXISTS "${schema}".effect_log (id bigserial PRIMARY KEY, run_id text NOT NULL, i integer NOT NULL, execution text NOT NULL, worker text NOT NULL)`;

/** The side effect's handler: logs the execution (committed before it returns) and returns its id. */
export function tallyHandler(pool: pg.Pool, schema: string, worker: string): EffectHandler {
  return async (run, effect) => {
    const execution = randomUUID();
    const i = Number((effect.payload ?? {})['i']);
    await pool.query(`INSERT INTO "${schema}".effect_log (run_id, i, execution, worker) VALUES ($1, $2, $3, $4)`, [run.runId, i, execution, worker]);
    return EffectOutcome.completed({ i, execution });
  };
}
