import { useMemo, useState } from 'react';
import { type RunDetail } from '../../../../shared/contract';
import { buildConversation, type LlmTurn, type ToolsTurn, type Turn } from '../../lib/conversation';
import { formatDuration } from '../../lib/format';
import { selectDetail, selectLedger } from '../../stores/run-view-store';
import { selectActorNames, selectReadOnly } from '../../stores/workspace-store';
import { useRunView, useStores, useWorkspace } from '../../stores/stores-context';
import { ProgressBar } from '../common/progress-bar';
import { useConversation } from './use-conversation';

const tokens = (n: number | null): string => (n === null ? '—' : n.toLocaleString('en-US'));
/** Costs of single calls are fractions of a cent: enough digits to tell them apart, no more. */
const money = (n: number | null): string => (n === null ? '' : n >= 1 ? n.toFixed(2) : n.toPrecision(2));

/** A run with LLM calls read as a chat: what was said, what the tools did, who approved, and what it cost. */
export function ConversationView() {
  const detail = useRunView(selectDetail);
  if (!detail) return <div className="hint-text">No run selected.</div>;
  return <Conversation detail={detail} />;
}

function Conversation({ detail }: { detail: RunDetail }) {
  const total = useRunView(selectLedger).total;
  const load = useConversation(detail.runId, total);
  const data = load.status === 'ready' && load.data.runId === detail.runId ? load : null;
  const conversation = useMemo(
    () => (data ? buildConversation(data.data.records, { pricing: data.pricing, runStatus: detail.status, ledgerTotal: data.data.ledgerTotal }) : null),
    [data, detail.status],
  );
  if (load.status === 'error') return <p className="field-error" role="alert">Could not read the conversation: {load.message}</p>;
  if (!conversation || !data) return <ProgressBar label="Reading the conversation" />;
  if (conversation.calls === 0 && conversation.turns.every((t) => t.kind !== 'tools' && t.kind !== 'question')) {
    return (
      <div className="hint-text" data-testid="conversation-empty">
        This run made no LLM calls, so there is no conversation to show. Its records are in the timeline, its state in the State tab.
      </div>
    );
  }
  const t = conversation.totals;
  const priced = data.pricing !== null && (data.pricing.promptPerMillion !== null || data.pricing.completionPerMillion !== null);
  return (
    <div className="conversation" data-testid="conversation">
      <dl className="conversation-totals" data-testid="conversation-totals" aria-label="Totals of the run's LLM calls">
        <div><dt>calls</dt><dd>{conversation.calls}{conversation.failedCalls > 0 ? <span className="failed-text"> ({conversation.failedCalls} failed)</span> : null}</dd></div>
        <div><dt>tokens</dt><dd>{tokens(t.totalTokens)} <span className="faint">({tokens(t.promptTokens)} in, {tokens(t.completionTokens)} out)</span></dd></div>
        <div><dt>LLM time</dt><dd>{formatDuration(t.latencyMs)}</dd></div>
        <div><dt>cost</dt><dd data-testid="conversation-cost">{priced ? (t.cost !== null ? money(t.cost) : <span className="faint">unknown (a call gave no usage)</span>) : <span className="faint">set prices in Settings</span>}</dd></div>
      </dl>
      {data.data.truncated ? <p className="faint">Showing the first {data.data.records.length} conversation records; the rest are in the timeline.</p> : null}
      <ol className="turns" aria-label="Conversation">
        {conversation.turns.map((turn) => (
          <li key={turn.key} className={`turn turn-${turnClass(turn)}`} data-testid="turn" data-kind={turn.kind}>
            <TurnView turn={turn} detail={detail} retryable={conversation.retryable?.seq ?? null} priced={priced} />
          </li>
        ))}
      </ol>
    </div>
  );
}

function turnClass(turn: Turn): string {
  return turn.kind === 'message' ? turn.role : turn.kind;
}

function SeqLink({ seq }: { seq: number }) {
  const { runView } = useStores();
  return (
    <button type="button" className="link-button mono faint" aria-label={`Show record ${seq} in the timeline`} onClick={() => runView.getState().select(seq, { scroll: true, center: true })}>
      #{seq}
    </button>
  );
}

function TurnView({ turn, detail, retryable, priced }: { turn: Turn; detail: RunDetail; retryable: number | null; priced: boolean }) {
  const names = useWorkspace(selectActorNames);
  const who = (id: string | null): string => (id ? (names.get(id) ?? id.slice(0, 12)) : 'someone');
  switch (turn.kind) {
    case 'system':
      return (
        <details className="turn-body">
          <summary className="turn-head"><span className="role">system</span><span className="faint">prompt</span></summary>
          <div className="turn-text">{turn.text}</div>
        </details>
      );
    case 'message':
      return (
        <div className="turn-body">
          <div className="turn-head"><span className="role">{turn.role}</span><SeqLink seq={turn.seq} /></div>
          <div className="turn-text">{turn.text || <span className="faint">(empty)</span>}</div>
        </div>
      );
    case 'llm':
      return <LlmTurnView turn={turn} detail={detail} retryable={retryable === turn.seq} priced={priced} />;
    case 'tools':
      return <ToolsTurnView turn={turn} who={who} />;
    case 'question':
      return (
        <div className="turn-body">
          <div className="turn-head"><span className="role">question</span><SeqLink seq={turn.seq} /></div>
          <div className="turn-text">{turn.prompt ?? <span className="faint">(no prompt)</span>}</div>
          {turn.answer !== null ? (
            <div className="turn-answer"><span className="faint">answered by {who(turn.answeredBy)}:</span> {turn.answer}</div>
          ) : turn.status === 'waiting' ? (
            <div className="turn-pending">Waiting for an answer (answer it in the inbox)</div>
          ) : null}
        </div>
      );
    case 'retry':
      return (
        <div className="turn-divider" data-testid="turn-retry">
          Retried the failed call <SeqLink seq={turn.retriedSeq} /> · {who(turn.by)} · <SeqLink seq={turn.seq} />
        </div>
      );
  }
}

function LlmTurnView({ turn, detail, retryable, priced }: { turn: LlmTurn; detail: RunDetail; retryable: boolean; priced: boolean }) {
  return (
    <div className="turn-body" data-status={turn.status}>
      <div className="turn-head">
        <span className="role">assistant</span>
        {turn.model ? <span className="mono faint">{turn.model}</span> : null}
        <span className="grow" />
        <SeqLink seq={turn.seq} />
      </div>
      {turn.status === 'started' ? <div className="turn-pending">Waiting for the server…</div> : null}
      {turn.text ? <div className="turn-text">{turn.text}</div> : null}
      {turn.toolCalls.map((c, i) => (
        <div key={c.id ?? i} className="tool-call">
          <span className="mono tool-name">{c.name}</span>
          {c.id ? <span className="mono faint"> {c.id}</span> : null}
          <pre className="tool-json" aria-label={`Arguments of ${c.name}`}>{c.argumentsJson}</pre>
        </div>
      ))}
      {turn.status === 'failed' ? (
        <div className="turn-error" role="note" data-testid="llm-failed">
          <span>{turn.error ?? 'The call failed without saying why.'}</span>
          {retryable ? <RetryButton detail={detail} seq={turn.seq} /> : null}
        </div>
      ) : null}
      <div className="turn-meta" data-testid="llm-meta">
        <span title="total tokens (prompt, answer)">{tokens(turn.totalTokens)} tokens <span className="faint">({tokens(turn.promptTokens)} in, {tokens(turn.completionTokens)} out)</span></span>
        <span>{formatDuration(turn.latencyMs)}</span>
        {priced && turn.cost !== null ? <span data-testid="llm-cost">{money(turn.cost)}</span> : null}
        {turn.finishReason ? <span className="faint">{turn.finishReason}</span> : null}
      </div>
    </div>
  );
}

function ToolsTurnView({ turn, who }: { turn: ToolsTurn; who(id: string | null): string }) {
  return (
    <div className="turn-body" data-status={turn.status}>
      <div className="turn-head"><span className="role">tools</span><span className="grow" /><SeqLink seq={turn.seq} /></div>
      {turn.calls.map((c, i) => (
        <div key={c.callId ?? i} className="tool-call">
          <span className="mono tool-name">{c.name}</span>
          <pre className="tool-json" aria-label={`Arguments of ${c.name}`}>{c.argumentsJson}</pre>
          {c.ok === null ? null : c.ok ? (
            <pre className="tool-json result" aria-label={`Result of ${c.name}`}>{c.outputJson ?? '(no output)'}</pre>
          ) : (
            <div className="turn-error">{c.error ?? 'The tool failed.'}</div>
          )}
        </div>
      ))}
      {turn.approval?.state === 'pending' ? <div className="turn-pending" data-testid="approval-pending">Waiting for approval (decide in the inbox)</div> : null}
      {turn.approval?.state === 'decided' ? (
        <div className="turn-answer" data-testid="approval-decided">
          {turn.approval.decisions.length > 0
            ? turn.approval.decisions.map((d) => `${d.approved ? 'Approved' : 'Rejected'} ${d.name}${d.reason ? ` (${d.reason})` : ''}`).join(', ')
            : 'Decided'}{' '}
          <span className="faint">by {who(turn.approval.by)}</span>
        </div>
      ) : null}
      {turn.latencyMs !== null && turn.status === 'completed' ? <div className="turn-meta"><span>{formatDuration(turn.latencyMs)}</span></div> : null}
    </div>
  );
}

function RetryButton({ detail, seq }: { detail: RunDetail; seq: number }) {
  const { client, ui } = useStores();
  const readOnly = useWorkspace(selectReadOnly);
  const [busy, setBusy] = useState(false);
  const retry = async () => {
    setBusy(true);
    try {
      await ui.getState().track('Retrying the LLM call', client.invoke('runs.retryLlm', { runId: detail.runId, seq }));
      ui.getState().notify({ tone: 'success', title: 'Retrying', message: `The call of record ${seq} is made again from the state before it; the ledger records the retry.` });
    } catch (err) {
      ui.getState().reportError(err, 'Could not retry the LLM call');
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className="btn small primary" data-testid="retry-llm" disabled={busy || readOnly} title={readOnly ? 'This workspace is read-only.' : undefined} onClick={() => void retry()}>
      {busy ? 'Retrying…' : 'Retry this call'}
    </button>
  );
}
