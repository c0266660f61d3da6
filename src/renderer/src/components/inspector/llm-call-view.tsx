import { type LedgerRecord } from '../../../../shared/contract';
import { formatDuration } from '../../lib/format';
import { llmCallSummary } from '../../lib/llm-call-summary';

const tokens = (n: number | null): string => (n === null ? '—' : n.toLocaleString('en-US'));

/** An LLM call at a glance, above its raw JSON: prompt, answer, tokens, latency. */
export function LlmCallView({ entry }: { entry: LedgerRecord }) {
  const s = llmCallSummary(entry);
  if (!s) return null;
  return (
    <section className="panel-section" data-testid="llm-call">
      <h3 className="section-title">LLM call</h3>
      <dl className="fields">
        {s.system ? (
          <>
            <dt>system</dt>
            <dd className="pre-wrap">{s.system}</dd>
          </>
        ) : null}
        <dt>{s.messageCount > 0 ? `prompt (last of ${s.messageCount} messages)` : 'prompt'}</dt>
        <dd className="pre-wrap">{s.prompt ?? <span className="faint">none</span>}</dd>
        <dt>answer</dt>
        <dd className="pre-wrap">
          {s.answer ?? <span className="faint">{entry.status === 'started' ? 'waiting for the server…' : s.toolCalls > 0 ? 'no text' : 'none'}</span>}
          {s.toolCalls > 0 ? <span className="faint"> · {s.toolCalls} tool call{s.toolCalls > 1 ? 's' : ''}</span> : null}
        </dd>
        <dt>tokens</dt>
        <dd>
          {tokens(s.totalTokens)} <span className="faint">(prompt {tokens(s.promptTokens)}, answer {tokens(s.completionTokens)})</span>
        </dd>
        <dt>latency</dt>
        <dd>
          {formatDuration(s.latencyMs)}
          {s.model ? <span className="faint"> · model <span className="mono">{s.model}</span></span> : null}
          {s.finishReason ? <span className="faint"> · {s.finishReason}</span> : null}
        </dd>
      </dl>
    </section>
  );
}
