import { useEffect } from 'react';
import { useStores } from '../../stores/stores-context';

const ANSWER_CONTROL = '[data-testid="prompt-card"] input:not([disabled]), [data-testid="prompt-card"] textarea:not([disabled]), [data-testid="prompt-card"] button.choice:not([disabled])';

/** Where focus is not: on nothing (the body), after the element that had it went away. */
function focusIsLost(): boolean {
  const a = document.activeElement;
  return a === null || a === document.body || !a.isConnected;
}

/**
 * Moves focus to what `find` returns once it exists (the next prompt renders after the answer's
 * round trip, a new run's row after the list refresh), for up to `ms`. It never takes focus from
 * where the person has put it meanwhile: only lost focus is moved.
 */
export function focusSoon(find: () => HTMLElement | null, ms = 2500): void {
  const until = Date.now() + ms;
  const tick = () => {
    if (!focusIsLost()) return;
    const el = find();
    if (el) {
      el.focus();
      return;
    }
    if (Date.now() < until) setTimeout(tick, 50);
  };
  setTimeout(tick, 0);
}

export function runRowButton(runId: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-testid="run-row"][data-run-id="${CSS.escape(runId)}"] .run-row-main`);
}

export function firstAnswerControl(): HTMLElement | null {
  return document.querySelector<HTMLElement>(ANSWER_CONTROL);
}

/**
 * After an answer, focus goes to the next prompt's answer (the same run's next question, or the
 * next card in the inbox), else to the run that was answered: never to <body>.
 */
export function useFocusAfterAnswer(): void {
  const { prompts } = useStores();
  useEffect(
    () =>
      prompts.subscribe((s, p) => {
        const done = p.answering.filter((k) => !s.answering.includes(k));
        if (done.length === 0) return;
        const runId = done[0]!.split('\u0000')[0] ?? '';
        const started = Date.now();
        // The next question arrives a round trip later: wait for it a little before settling on the run.
        focusSoon(() => firstAnswerControl() ?? (Date.now() - started > 1200 ? runRowButton(runId) : null));
      }),
    [prompts],
  );
}
