import { type JSX } from 'react';
import { type PendingPrompt } from '../../../../shared/contract';
import { formatRelative, shortId } from '../../lib/format';
import { promptKey, selectAnswering } from '../../stores/prompts-store';
import { selectReadOnly } from '../../stores/workspace-store';
import { usePrompts, useStores, useWorkspace } from '../../stores/stores-context';
import { ApprovalAnswer, EventAnswer, QuestionAnswer, TimerAnswer, type AnswerProps } from './prompt-answers';
import { useNow } from './use-now';

const KIND_TEXT: Record<PendingPrompt['kind'], string> = {
  question: 'Question',
  approval: 'Approval',
  event: 'Waiting for event',
  timer: 'Timer',
};

const ANSWERS: Record<PendingPrompt['kind'], (p: AnswerProps) => JSX.Element> = {
  question: QuestionAnswer,
  approval: ApprovalAnswer,
  event: EventAnswer,
  timer: TimerAnswer,
};

/** One run waiting for a person (or an event, or a time), with the way to answer it. */
export function PromptCard({ prompt, showRun = true }: { prompt: PendingPrompt; showRun?: boolean }) {
  const stores = useStores();
  const answering = usePrompts(selectAnswering);
  const readOnly = useWorkspace(selectReadOnly);
  const now = useNow(30_000);
  const busy = answering.includes(promptKey(prompt));
  const Answer = ANSWERS[prompt.kind];

  const onAnswer = async (payloadJson: string) => {
    const p = stores.prompts.getState();
    const detail =
      prompt.kind === 'timer' ? await p.fastForward(prompt) : prompt.kind === 'event' ? await p.resumeEvent(prompt, payloadJson) : await p.answer(prompt, payloadJson);
    if (detail) stores.runView.getState().applyDetail(detail);
  };

  return (
    <article className={`prompt-card kind-${prompt.kind}`} data-testid="prompt-card" data-run-id={prompt.runId} data-kind={prompt.kind} aria-label={`${KIND_TEXT[prompt.kind]} from run ${prompt.runId}`}>
      <header className="prompt-head">
        <span className={`tag kind-tag k-${prompt.kind}`}>{KIND_TEXT[prompt.kind]}</span>
        {showRun ? (
          <button
            type="button"
            className="link mono"
            aria-label={`Open run ${prompt.runId}`}
            onClick={() => {
              stores.ui.getState().setView('run');
              void stores.runView.getState().open(prompt.runId);
            }}
          >
            {prompt.workflowId} · {shortId(prompt.runId)}
          </button>
        ) : null}
        <span className="faint">at <span className="mono">{prompt.nodeId}</span> · waiting {formatRelative(prompt.since, now).replace(' ago', '')}</span>
      </header>
      {prompt.prompt ? <p className="prompt-text">{prompt.prompt}</p> : null}
      {readOnly ? <p className="faint">Read-only workspace: answers are disabled.</p> : null}
      <Answer prompt={prompt} busy={busy} readOnly={readOnly} onAnswer={(payload) => void onAnswer(payload)} />
    </article>
  );
}
