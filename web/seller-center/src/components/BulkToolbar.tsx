import type { Ref } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { refusalText, type RowResult } from "../bulk";
import { messages } from "../messages";

interface Props {
  count: number;
  /** The select-all box: every selectable row shown, some of them, or none. */
  all: "all" | "some" | "none";
  onToggleAll: (on: boolean) => void;
  busy: boolean;
  onApprove: () => void;
  results: RowResult[] | null;
  resultsRef: Ref<HTMLElement>;
}

/** Approve selected over the table, and what the last call answered for each request (T1). */
export function BulkToolbar({ count, all, onToggleAll, busy, onApprove, results, resultsRef }: Props) {
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (box.current) box.current.indeterminate = all === "some";
  }, [all]);
  return (
    <>
      <div role="toolbar" aria-label={messages.bulkToolbar} class="bulk-toolbar">
        <label class="select-all">
          <input ref={box} type="checkbox" checked={all === "all"} disabled={busy}
            onChange={(event) => onToggleAll((event.currentTarget as HTMLInputElement).checked)} />
          {messages.selectAll}
        </label>
        <span class="selected-count">{messages.selectedCount(count)}</span>
        <button type="button" disabled={busy || count === 0} onClick={onApprove}>{messages.approveSelected}</button>
      </div>
      {results && (
        <section aria-label={messages.bulkResults} class="bulk-results" tabIndex={-1} ref={resultsRef}>
          <ul>
            {results.map((result) => (
              <li key={result.cancelId} class={result.approved ? "ok" : "error"}>
                {result.approved ? messages.bulkApproved(result.orderId)
                  : messages.bulkRefused(result.orderId, refusalText(result) ?? "")}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
