import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { messages } from "../messages";

interface Props {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}

/**
 * A modal dialog on the platform's <dialog>: showModal() makes the rest of the page inert (focus stays inside)
 * and Escape closes it. The caller puts focus back where the seller was.
 */
export function Dialog({ title, onClose, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    // The first thing to choose, rather than the close button, takes the focus.
    dialog?.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <div class="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon" aria-label={messages.close} onClick={onClose}>×</button>
      </div>
      {children}
    </dialog>
  );
}
