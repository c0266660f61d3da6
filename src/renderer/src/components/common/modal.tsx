import * as Dialog from '@radix-ui/react-dialog';
import { type ReactNode, type RefObject } from 'react';

/** The first field of the body, else the footer's primary action: never the ✕ in the header. */
function firstAction(content: HTMLElement): HTMLElement | null {
  return (
    content.querySelector<HTMLElement>('.modal-body :is(input:not([type="hidden"]), textarea, select):not([disabled])') ??
    content.querySelector<HTMLElement>('.modal-footer .btn.primary:not([disabled]), .modal-footer .btn.danger:not([disabled])') ??
    content.querySelector<HTMLElement>('.modal-body button:not([disabled]), .modal-footer button:not([disabled])')
  );
}

/**
 * A dialog with a title, a one-line description and a footer of actions. Radix keeps focus inside
 * it, closes it on Escape and gives it its accessible name. It opens with focus where the next
 * action is (`initialFocus`, else the first field, else the primary button).
 */
export function Modal(props: {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  testId?: string;
  /** What has the focus when it opens (the primary action); otherwise Radix's first focusable. */
  initialFocus?: RefObject<HTMLElement | null>;
  /** On close; call `preventDefault` to put focus somewhere else than back on the opener. */
  onCloseAutoFocus?: (e: Event) => void;
}) {
  const initial = props.initialFocus;
  return (
    <Dialog.Root open={props.open} onOpenChange={props.onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="modal-overlay" />
        <Dialog.Content className={`modal${props.wide ? ' wide' : ''}`} data-testid={props.testId}
          onOpenAutoFocus={(e) => {
            const target = initial?.current ?? firstAction(e.currentTarget as HTMLElement);
            if (!target) return;
            e.preventDefault();
            target.focus();
          }}
          onCloseAutoFocus={props.onCloseAutoFocus}
        >
          <header className="modal-header">
            <Dialog.Title className="modal-title">{props.title}</Dialog.Title>
            <Dialog.Close className="btn ghost icon" aria-label="Close">
              ✕
            </Dialog.Close>
          </header>
          {props.description ? <Dialog.Description className="modal-description">{props.description}</Dialog.Description> : <Dialog.Description className="sr-only">{props.title}</Dialog.Description>}
          <div className="modal-body">{props.children}</div>
          {props.footer ? <footer className="modal-footer">{props.footer}</footer> : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
