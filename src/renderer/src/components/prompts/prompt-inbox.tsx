import { selectPrompts, selectPromptsStatus } from '../../stores/prompts-store';
import { usePrompts } from '../../stores/stores-context';
import { ProgressBar } from '../common/progress-bar';
import { PromptCard } from './prompt-card';

/** Every run waiting for a person, oldest first. */
export function PromptInbox() {
  const prompts = usePrompts(selectPrompts);
  const status = usePrompts(selectPromptsStatus);
  return (
    <section className="page" data-testid="prompt-inbox" aria-label="Prompt inbox">
      <header className="page-head">
        <h1>Inbox</h1>
        <span className="faint">{prompts.length} waiting · oldest first · answers are recorded in each run's ledger with who answered</span>
      </header>
      {status === 'loading' && prompts.length === 0 ? <ProgressBar label="Loading prompts" /> : null}
      {prompts.length === 0 && status !== 'loading' ? (
        <div className="empty">
          <strong>Nothing is waiting for you</strong>
          Runs that ask a question, need a tool call approved, wait for an event or a timer show up here.
        </div>
      ) : null}
      <div className="prompt-list">
        {prompts.map((p) => (
          <PromptCard key={`${p.runId}:${p.waitKey ?? ''}`} prompt={p} />
        ))}
      </div>
    </section>
  );
}
