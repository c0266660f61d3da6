import { type Attributes } from '@opentelemetry/api';
import { JsonNumber } from '../json/json-number';
import { isJsonObject, type JsonValue } from '../json/json-value';
import { EffectType } from '../core/enums';
import { type StepRecord } from '../core/models';

/** Our attribute names (a namespace of our own, as OpenTelemetry asks of libraries). */
export const ATTR = {
  RUN_ID: 'abstractruntime.run.id',
  WORKFLOW_ID: 'abstractruntime.workflow.id',
  RUN_STATUS: 'abstractruntime.run.status',
  NODE_ID: 'abstractruntime.node.id',
  STEP_ID: 'abstractruntime.step.id',
  STEP_STATUS: 'abstractruntime.step.status',
  EFFECT_TYPE: 'abstractruntime.effect.type',
  ATTEMPT: 'abstractruntime.attempt',
  LEDGER_SEQ: 'abstractruntime.ledger.seq',
  RECORD_HASH: 'abstractruntime.ledger.record_hash',
} as const;

/** The GenAI semantic conventions (gen_ai.*) for LLM calls; incubating upstream, so spelled out here. */
export const GEN_AI = {
  OPERATION_NAME: 'gen_ai.operation.name',
  REQUEST_MODEL: 'gen_ai.request.model',
  RESPONSE_MODEL: 'gen_ai.response.model',
  INPUT_TOKENS: 'gen_ai.usage.input_tokens',
  OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  FINISH_REASONS: 'gen_ai.response.finish_reasons',
} as const;

/** What identifies a finished ledger record in a trace: run, node, status, its place and hash. */
export function recordAttributes(record: StepRecord, seq: number | null, workflowId: string | null): Attributes {
  const attrs: Attributes = {
    [ATTR.RUN_ID]: record.runId,
    [ATTR.NODE_ID]: record.nodeId,
    [ATTR.STEP_ID]: record.stepId,
    [ATTR.STEP_STATUS]: record.status,
    [ATTR.ATTEMPT]: record.attempt,
  };
  if (workflowId) attrs[ATTR.WORKFLOW_ID] = workflowId;
  if (seq !== null) attrs[ATTR.LEDGER_SEQ] = seq;
  if (record.recordHash) attrs[ATTR.RECORD_HASH] = record.recordHash;
  if (record.effect) attrs[ATTR.EFFECT_TYPE] = record.effect.type;
  return attrs;
}

/** Model and token counts of an LLM_CALL record, from its payload and its normalised result. */
export function genAiAttributes(record: StepRecord): Attributes {
  if (record.effect?.type !== EffectType.LLM_CALL) return {};
  const attrs: Attributes = { [GEN_AI.OPERATION_NAME]: 'chat' };
  const payload = record.effect.payload;
  const params = isJsonObject(payload['params']) ? payload['params'] : {};
  const requested = stringOf(payload['model']) ?? stringOf(params['model']);
  if (requested) attrs[GEN_AI.REQUEST_MODEL] = requested;
  const result = record.result ?? {};
  const model = stringOf(result['model']);
  if (model) attrs[GEN_AI.RESPONSE_MODEL] = model;
  const finish = stringOf(result['finish_reason']);
  if (finish) attrs[GEN_AI.FINISH_REASONS] = [finish];
  const usage = isJsonObject(result['usage']) ? result['usage'] : {};
  const input = numberOf(usage['prompt_tokens']) ?? numberOf(usage['input_tokens']);
  const output = numberOf(usage['completion_tokens']) ?? numberOf(usage['output_tokens']);
  if (input !== null) attrs[GEN_AI.INPUT_TOKENS] = input;
  if (output !== null) attrs[GEN_AI.OUTPUT_TOKENS] = output;
  return attrs;
}

const stringOf = (v: JsonValue | undefined): string | null => (typeof v === 'string' && v !== '' ? v : null);
const numberOf = (v: JsonValue | undefined): number | null => {
  const n = typeof v === 'number' || typeof v === 'bigint' || v instanceof JsonNumber ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};
