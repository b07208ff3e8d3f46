import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Api } from "../api";
import { batches, pruneSelection, type RowResult, rowResults, selectableIds, selectAllState, toggle } from "../bulk";
import type { Selection } from "../components/OrdersTable";
import { messages } from "../messages";
import type { Row } from "../rows";
import type { BulkResult, ReasonCatalogue } from "../types";
import type { Feedback } from "./useFeedback";

export interface BulkApprove {
  selection: Selection;
  /** The select-all box: every selectable row shown, some of them, or none. */
  all: "all" | "some" | "none";
  count: number;
  toggleAll: (on: boolean) => void;
  results: RowResult[] | null;
  resultsRef: { current: HTMLElement | null };
  approveSelected: () => Promise<void>;
  /** A new view starts without a selection or results. */
  clear: () => void;
}

/**
 * Row selection and Approve selected (T1): the checked requests in the order shown, in calls of the catalogue's
 * `limits.max_bulk_ids`; each request answers for itself. Then the focus goes to the results (else `fallback`).
 */
export function useBulkApprove(api: Api, rows: Row[], catalogue: ReasonCatalogue | null, feedback: Feedback,
  refresh: () => Promise<void>, fallback: () => HTMLElement | null): BulkApprove {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [results, setResults] = useState<RowResult[] | null>(null);
  const resultsRef = useRef<HTMLElement>(null);

  // A selection holds only requests still pending among the rows shown.
  useEffect(() => {
    setSelected((now) => pruneSelection(now, rows));
  }, [rows]);

  const clear = useCallback(() => {
    setSelected(new Set());
    setResults(null);
  }, []);

  const approveSelected = async () => {
    const ids = selectableIds(rows).filter((id) => selected.has(id));
    if (ids.length === 0) return;
    const shownRows = rows;
    feedback.start();
    const answers: BulkResult[] = [];
    try {
      const size = (catalogue ?? await api.reasons(messages.locale)).limits.max_bulk_ids;
      for (const batch of batches(ids, size)) answers.push(...(await api.bulkApprove(batch)));
    } catch (error) {
      feedback.fail(error);
    }
    const shown = rowResults(answers, shownRows);
    setResults(shown.length > 0 ? shown : null);
    const approved = shown.filter((r) => r.approved).length;
    if (shown.length > 0) feedback.setNotice(() => messages.bulkSummary(approved, ids.length));
    setSelected(new Set());
    await refresh();
    feedback.setBusy(false);
    window.requestAnimationFrame(() => (resultsRef.current ?? fallback())?.focus());
  };

  return {
    selection: {
      selected,
      onToggle: (id, on) => setSelected((now) => toggle(now, id, on)),
      results: new Map((results ?? []).map((result) => [result.orderId, result])),
    },
    all: selectAllState(selected, rows),
    count: selected.size,
    toggleAll: (on) => setSelected(on ? new Set(selectableIds(rows)) : new Set()),
    results,
    resultsRef,
    approveSelected,
    clear,
  };
}
