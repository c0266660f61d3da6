import { useState } from 'react';
import { type PendingPrompt } from '../../../../shared/contract';
import { formatCountdown, formatTimestamp } from '../../lib/format';
import { answerPayload, approvalPayload, checkJsonInput, editableJson, rejectionPayload } from '../../lib/prompt-payloads';
import { Icon } from '../common/icon';
import { JsonTreeView } from '../common/json-tree-view';
import { useNow } from './use-now';

export interface AnswerProps {
  prompt: PendingPrompt;
  busy: boolean;
  readOnly: boolean;
  onAnswer(payloadJson: string): void;
}

/** ask_user: the choices as buttons, and a text box when free text is allowed. */
export function QuestionAnswer({ prompt, busy, readOnly, onAnswer }: AnswerProps) {
  const [text, setText] = useState('');
  const disabled = busy || readOnly;
  return (
    <div className="answer">
      {prompt.choices && prompt.choices.length > 0 ? (
        <div className="choices" role="group" aria-label="Choices">
          {prompt.choices.map((c) => (
            <button key={c} type="button" className="btn choice" data-testid="prompt-answer" disabled={disabled} onClick={() => onAnswer(answerPayload(c))}>
              {c}
            </button>
          ))}
        </div>
      ) : null}
      {prompt.allowFreeText || !prompt.choices?.length ? (
        <form
          className="free-text"
          onSubmit={(e) => {
            e.preventDefault();
            if (text.trim()) onAnswer(answerPayload(text));
          }}
        >
          <input className="input" placeholder={prompt.choices?.length ? 'Or type another answer…' : 'Type your answer…'} aria-label={`Answer to: ${prompt.prompt ?? 'the question'}`} value={text} disabled={disabled} onChange={(e) => setText(e.target.value)} />
          <button type="submit" className="btn primary" data-testid="prompt-answer" disabled={disabled || !text.trim()}>
            {busy ? 'Sending…' : 'Answer'}
          </button>
        </form>
      ) : null}
    </div>
  );
}

function payloadError(build: () => string): string | null {
  try {
    build();
    return null;
  } catch (err) {
    return `These tool calls cannot be sent: ${err instanceof Error ? err.message : String(err)}.`;
  }
}

/** Tool calls waiting for approval: approve as is, edit the calls first, or reject with a reason. */
export function ApprovalAnswer({ prompt, busy, readOnly, onAnswer }: AnswerProps) {
  const [mode, setMode] = useState<'view' | 'edit' | 'reject'>('view');
  const [json, setJson] = useState(() => editableJson(prompt.toolCallsJson));
  const [reason, setReason] = useState('');
  const error =
    mode === 'edit'
      ? (checkJsonInput(json, 'tool calls') ?? payloadError(() => approvalPayload(prompt.toolCallsJson, json)))
      : payloadError(() => approvalPayload(prompt.toolCallsJson, null));
  const disabled = busy || readOnly;
  return (
    <div className="answer">
      {mode === 'edit' ? (
        <label className="field">
          <span>Tool calls to run (JSON)</span>
          <textarea className="textarea code" rows={8} value={json} onChange={(e) => setJson(e.target.value)} aria-label="Edit tool calls as JSON" spellCheck={false} />
          {error ? <span className="field-error">{error}</span> : null}
        </label>
      ) : (
        <JsonTreeView json={prompt.toolCallsJson} label="Tool calls awaiting approval" openDepth={3} />
      )}
      {error && mode !== 'edit' ? <span className="field-error">{error}</span> : null}
      {mode === 'reject' ? (
        <input className="input" placeholder="Why is this rejected? (recorded in the ledger)" aria-label="Reason for rejecting" value={reason} onChange={(e) => setReason(e.target.value)} />
      ) : null}
      <div className="answer-actions">
        {mode === 'reject' ? (
          <>
            <button type="button" className="btn danger" data-testid="prompt-answer" disabled={disabled || !!error} onClick={() => onAnswer(rejectionPayload(prompt.toolCallsJson, reason))}>Reject tool calls</button>
            <button type="button" className="btn ghost" onClick={() => setMode('view')}>Back</button>
          </>
        ) : (
          <>
            <button type="button" className="btn primary" data-testid="prompt-answer" disabled={disabled || !!error} onClick={() => onAnswer(approvalPayload(prompt.toolCallsJson, mode === 'edit' ? json : null))}>
              {busy ? 'Sending…' : mode === 'edit' ? 'Approve edited calls' : 'Approve'}
            </button>
            {mode === 'view' ? <button type="button" className="btn" disabled={disabled} onClick={() => setMode('edit')}>Edit JSON</button> : <button type="button" className="btn ghost" onClick={() => setMode('view')}>Discard edits</button>}
            <button type="button" className="btn danger" disabled={disabled} onClick={() => setMode('reject')}>Reject…</button>
          </>
        )}
      </div>
    </div>
  );
}

/** wait_event: a JSON payload editor; the payload is stored at the node's result key. */
export function EventAnswer({ prompt, busy, readOnly, onAnswer }: AnswerProps) {
  const [json, setJson] = useState('{\n  \n}');
  const error = checkJsonInput(json, 'event payload');
  return (
    <div className="answer">
      <label className="field">
        <span>Event payload (JSON){prompt.waitKey ? <> for <code>{prompt.waitKey}</code></> : null}</span>
        <textarea className="textarea code" rows={5} value={json} onChange={(e) => setJson(e.target.value)} aria-label="Event payload as JSON" spellCheck={false} />
        {error ? <span className="field-error">{error}</span> : null}
      </label>
      <div className="answer-actions">
        <button type="button" className="btn primary" data-testid="prompt-answer" disabled={busy || readOnly || !!error} onClick={() => onAnswer(json)}>
          {busy ? 'Sending…' : 'Send event'}
        </button>
      </div>
    </div>
  );
}

/** wait_until: the due time counting down, and a fast-forward for when nobody wants to wait. */
export function TimerAnswer({ prompt, busy, readOnly, onAnswer }: AnswerProps) {
  const now = useNow(1000);
  const c = formatCountdown(prompt.until, now);
  return (
    <div className="answer timer">
      <div>
        <div className={`countdown${c.due ? ' due' : ''}`} aria-live="off">{c.text}</div>
        <div className="faint mono">{formatTimestamp(prompt.until)}</div>
      </div>
      <button type="button" className="btn" data-testid="prompt-answer" disabled={busy || readOnly} onClick={() => onAnswer('')}>
        {busy ? 'Fast-forwarding…' : <><Icon name="fastForward" /> Fast-forward now</>}
      </button>
    </div>
  );
}
