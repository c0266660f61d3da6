import { type JsonValue } from '../../json/json-value';
import { toJsonable } from './jsonable';
import { type ToolExecution, type ToolExecutor } from './tool-executor';

/**
 * `PassthroughToolExecutor` of §9.4, for untrusted tools: nothing runs here. The TOOL_CALLS handler
 * sees a mode other than "executed" and makes the run wait, with the calls in `details`, until the
 * host runs them and resumes the run with the results.
 */
export class PassthroughToolExecutor implements ToolExecutor {
  readonly mode: string;

  constructor(options: { mode?: string } = {}) {
    this.mode = options.mode ?? 'passthrough';
  }

  execute(toolCalls: readonly JsonValue[]): ToolExecution {
    return { mode: this.mode, tool_calls: toJsonable(toolCalls) };
  }
}
