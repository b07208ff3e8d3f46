import { messages } from "../messages";

export const TAB_KEYS = ["action_needed", "all", "unpaid", "to_ship", "shipped", "completed", "cancelled"] as const;
export type TabKey = (typeof TAB_KEYS)[number];

export const tabId = (key: TabKey) => `tab-${key}`;
export const PANEL_ID = "orders-panel";

interface Props {
  current: TabKey;
  actionNeededCount: number | null;
  onSelect: (key: TabKey) => void;
}

/** The tab list (role=tablist): arrow keys, Home and End move between tabs and select them. */
export function Tabs({ current, actionNeededCount, onSelect }: Props) {
  const move = (event: KeyboardEvent) => {
    const at = TAB_KEYS.indexOf(current);
    const next = {
      ArrowRight: (at + 1) % TAB_KEYS.length,
      ArrowLeft: (at - 1 + TAB_KEYS.length) % TAB_KEYS.length,
      Home: 0,
      End: TAB_KEYS.length - 1,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const key = TAB_KEYS[next];
    if (!key) return;
    onSelect(key);
    document.getElementById(tabId(key))?.focus();
  };

  return (
    <div role="tablist" aria-label={messages.tabsLabel} class="tabs" onKeyDown={move}>
      {TAB_KEYS.map((key) => (
        <button
          key={key}
          type="button"
          role="tab"
          id={tabId(key)}
          aria-selected={key === current}
          aria-controls={PANEL_ID}
          tabIndex={key === current ? 0 : -1}
          onClick={() => onSelect(key)}
        >
          {messages.tabs[key]}
          {key === "action_needed" && actionNeededCount !== null && (
            <span class="badge"> {actionNeededCount}</span>
          )}
        </button>
      ))}
    </div>
  );
}
