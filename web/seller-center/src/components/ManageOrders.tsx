import { useCallback, useEffect, useRef } from "preact/hooks";
import type { Api } from "../api";
import type { PageConfig } from "../config";
import { useBulkApprove } from "../hooks/useBulkApprove";
import { useFeedback } from "../hooks/useFeedback";
import { usePolling } from "../hooks/usePolling";
import { useRowActions } from "../hooks/useRowActions";
import { useSellerData } from "../hooks/useSellerData";
import { useView } from "../hooks/useView";
import { selectableIds } from "../bulk";
import { formatLocalTime } from "../format";
import { messages, type Sentence } from "../messages";
import type { CancelBody, ContentType } from "../types";
import { hashOf } from "../view";
import { CancellationEntry } from "./ActionNeeded";
import { BulkToolbar } from "./BulkToolbar";
import { OrderDialogs } from "./OrderDialogs";
import { OrdersTable } from "./OrdersTable";
import { SfcrPanel } from "./SfcrPanel";
import { PANEL_ID, Tabs, tabId, type TabKey } from "./Tabs";

interface Props {
  api: Api;
  config: PageConfig;
  /** The page's language: the reason labels are asked for in it. */
  language: string;
  /** The session ended (401) or the token turned out not to be a seller's (403): back to sign-in with this. */
  onSignedOut: (why: Sentence | null) => void;
  isExpired: () => boolean;
}

/** Manage Orders: the SFCR panel, the tabs and their lists, each row's actions and Approve selected. */
export function ManageOrders({ api, config, language, onSignedOut, isExpired }: Props) {
  const [view, go] = useView();
  const feedback = useFeedback(onSignedOut);
  const data = useSellerData(api, view, language, feedback.fail, isExpired, onSignedOut);
  const { list, catalogue, refresh, startView } = data;
  const panel = useRef<HTMLDivElement>(null);
  const requestsHeading = useRef<HTMLHeadingElement>(null);
  const bulk = useBulkApprove(api, list.rows, catalogue, feedback, () => refresh(), () => panel.current);
  const rowActions = useRowActions(api, feedback, () => refresh(), () => panel.current);
  const { clear } = bulk;

  // A new view starts on its first page, without a selection.
  useEffect(() => {
    clear();
    startView();
    if (view.requests) requestsHeading.current?.focus();
  }, [view.tab, view.filter, view.requests, startView, clear]);

  usePolling(useCallback(() => void refresh(), [refresh]));

  const preview = useCallback((orderId: string, body: CancelBody) => api.cancelPreview(orderId, body), [api]);
  const declare = useCallback((type: ContentType, size: number) => api.declareEvidence(type, size), [api]);

  const { alert, notice, busy } = feedback;
  const loading = list.key !== hashOf(view);
  const tabName = messages.tabs[view.tab] ?? view.tab;
  const table = (caption: string) => (
    <>
      {(selectableIds(list.rows).length > 0 || bulk.results) && (
        <BulkToolbar count={bulk.count} all={bulk.all} onToggleAll={bulk.toggleAll} busy={busy}
          onApprove={() => void bulk.approveSelected()} results={bulk.results} resultsRef={bulk.resultsRef} />
      )}
      <OrdersTable caption={caption} rows={list.rows} now={data.now} catalogue={catalogue}
        actions={rowActions.actions} busy={busy} selection={bulk.selection} />
      {list.cursor && (
        <button type="button" class="secondary load-more" onClick={() => void data.loadMore()}>
          {messages.loadMore}
        </button>
      )}
    </>
  );

  return (
    <main id="main">
      <h1>{messages.heading}</h1>
      <SfcrPanel sfcr={data.sfcr} marketTimeZone={config.market_timezone} />
      <div class="messages">
        {alert && (
          <div role="alert" class="alert">
            <p>{alert}</p>
            <button type="button" class="secondary" onClick={() => feedback.setAlert(null)}>{messages.dismiss}</button>
          </div>
        )}
        <p role="status" class="notice">{notice ?? ""}</p>
      </div>
      <Tabs current={view.tab} actionNeededCount={data.counts?.cancellation.total ?? null}
        onSelect={(key: TabKey) => go({ tab: key, filter: false, requests: false })} />
      <div role="tabpanel" id={PANEL_ID} aria-labelledby={tabId(view.tab)} tabIndex={-1} ref={panel} class="panel-body"
        aria-busy={loading}>
        {view.tab === "action_needed" && (
          <>
            <CancellationEntry counts={data.counts} responseWindowSeconds={config.response_window_seconds}
              onChoose={() => go({ tab: "all", filter: true, requests: false })} />
            <h2 id="requests-heading" tabIndex={-1} ref={requestsHeading}>{messages.requestsHeading}</h2>
            {loading && list.rows.length === 0 ? <p>{messages.loading}</p>
              : list.rows.length === 0 ? <p class="empty">{messages.noRequests}</p>
              : table(messages.requestsHeading)}
          </>
        )}
        {view.tab !== "action_needed" && (
          <>
            {view.tab === "all" && (
              <div role="group" aria-label={messages.filterGroup} class="filters">
                <button type="button" class="toggle" aria-pressed={view.filter} aria-description={messages.filterHint}
                  onClick={() => go({ tab: "all", filter: !view.filter, requests: false })}>
                  {messages.cancellation}
                </button>
              </div>
            )}
            {loading && list.rows.length === 0 ? <p>{messages.loading}</p>
              : table(messages.ordersCaption(tabName, view.filter))}
          </>
        )}
        {data.updated && <p class="updated">{messages.lastUpdated(formatLocalTime(data.updated))}</p>}
      </div>
      <OrderDialogs state={rowActions} catalogue={catalogue} busy={busy} preview={preview} declare={declare} />
    </main>
  );
}
