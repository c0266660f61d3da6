import * as Tooltip from '@radix-ui/react-tooltip';
import { type ReactElement, type ReactNode } from 'react';

/** A tooltip for a control: what it does and its shortcut. The control keeps its own aria-label. */
export function Hint({ text, keys, children }: { text: ReactNode; keys?: string; children: ReactElement }) {
  return (
    <Tooltip.Root delayDuration={450}>
      <Tooltip.Trigger asChild>{children}</Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content className="tooltip" side="bottom" sideOffset={5} collisionPadding={8}>
          {text}
          {keys ? <kbd>{keys}</kbd> : null}
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}
