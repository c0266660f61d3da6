/**
 * The keyboard shortcuts, in one list that both the key handler and the help overlay read, so
 * the overlay can never advertise a key that does nothing.
 */
export type ShortcutAction =
  | 'help' | 'search' | 'step' | 'continue' | 'pause' | 'next-record' | 'prev-record' | 'newest-record'
  | 'verify' | 'bookmark' | 'fork' | 'view-run' | 'view-inbox' | 'view-artifacts' | 'view-snapshots' | 'view-settings'
  | 'next-tab' | 'prev-tab' | 'clear' | 'answer';

export interface Shortcut {
  key: string;
  action: ShortcutAction;
  description: string;
  group: 'Navigate' | 'Drive the run' | 'Audit';
}

export const SHORTCUTS: readonly Shortcut[] = [
  { key: 'j', action: 'next-record', description: 'Next (older) ledger record', group: 'Navigate' },
  { key: 'k', action: 'prev-record', description: 'Previous (newer) ledger record', group: 'Navigate' },
  { key: 'g', action: 'newest-record', description: 'Newest ledger record', group: 'Navigate' },
  { key: '/', action: 'search', description: 'Filter runs (status:waiting workflow:… or words)', group: 'Navigate' },
  { key: 'a', action: 'answer', description: 'Answer the next prompt (in the inbox)', group: 'Navigate' },
  { key: '[', action: 'prev-tab', description: 'Previous inspector tab', group: 'Navigate' },
  { key: ']', action: 'next-tab', description: 'Next inspector tab', group: 'Navigate' },
  { key: '1', action: 'view-run', description: 'Run view', group: 'Navigate' },
  { key: '2', action: 'view-inbox', description: 'Prompt inbox', group: 'Navigate' },
  { key: '3', action: 'view-artifacts', description: 'Artifacts', group: 'Navigate' },
  { key: '4', action: 'view-snapshots', description: 'Snapshots', group: 'Navigate' },
  { key: ',', action: 'view-settings', description: 'Settings of the workspace (LLM server, tools)', group: 'Navigate' },
  { key: 'Escape', action: 'clear', description: 'Clear the record selection', group: 'Navigate' },
  { key: 's', action: 'step', description: 'Step one node', group: 'Drive the run' },
  { key: 'c', action: 'continue', description: 'Continue until a wait, a breakpoint or the end', group: 'Drive the run' },
  { key: 'p', action: 'pause', description: 'Pause (hold the run for debugging)', group: 'Drive the run' },
  { key: 'f', action: 'fork', description: 'Fork a new run from the selected record', group: 'Drive the run' },
  { key: 'b', action: 'bookmark', description: 'Bookmark the current state as a snapshot', group: 'Drive the run' },
  { key: 'v', action: 'verify', description: 'Verify the hash chain', group: 'Audit' },
  { key: '?', action: 'help', description: 'Show this help', group: 'Navigate' },
];

export function shortcutKey(action: ShortcutAction): string {
  return SHORTCUTS.find((s) => s.action === action)?.key ?? '';
}

/** Keys typed into a field are text, not commands. */
export function isTypingTarget(el: EventTarget | null): boolean {
  if (!el || typeof (el as HTMLElement).tagName !== 'string') return false;
  const h = el as HTMLElement;
  const tag = h.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') {
    const type = (h as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'range'].includes(type);
  }
  return h.isContentEditable === true;
}

export function matchShortcut(ev: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): ShortcutAction | null {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return null;
  return SHORTCUTS.find((s) => s.key === ev.key)?.action ?? null;
}
