import type { ComponentChildren, JSX } from "preact";
import { useId, useRef, useState } from "preact/hooks";

interface Props {
  /** The trigger, given the tooltip's id for aria-describedby. */
  trigger: (tooltipId: string) => JSX.Element;
  children: ComponentChildren;
  class?: string;
}

/**
 * A tooltip (role=tooltip) that opens when its trigger is hovered or focused, stays open while the pointer or the
 * focus is on it (so its links can be reached by keyboard and by mouse), and closes on Escape.
 */
export function Tooltip({ trigger, children, class: extra }: Props) {
  const id = useId();
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  const wrap = useRef<HTMLSpanElement>(null);
  const open = (hovered || focused) && !dismissed;

  const onFocusOut = (event: FocusEvent) => {
    const next = event.relatedTarget as Node | null;
    if (!next || !wrap.current?.contains(next)) {
      setFocused(false);
      setDismissed(false);
    }
  };

  return (
    <span
      ref={wrap}
      class={`tip ${extra ?? ""}`}
      onMouseEnter={() => { setHovered(true); setDismissed(false); }}
      onMouseLeave={() => setHovered(false)}
      onFocusIn={() => { setFocused(true); setDismissed(false); }}
      onFocusOut={onFocusOut}
      onKeyDown={(event) => {
        if (event.key === "Escape" && open) {
          event.stopPropagation();
          setDismissed(true);
        }
      }}
    >
      {trigger(id)}
      <div role="tooltip" id={id} class="tip-body" hidden={!open}>
        {children}
      </div>
    </span>
  );
}
