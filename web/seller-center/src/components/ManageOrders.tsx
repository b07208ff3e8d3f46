import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { type Api, ApiError } from "../api";
import type { PageConfig } from "../config";
import { formatLocalTime } from "../format";
import { messages } from "../messages";
import { type Row, rowsForOrders, rowsForRequests } from "../rows";
import type { ActionNeeded, ReasonCatalogue, Sfcr } from "../types";
import { apiTab, hashOf, parseHash, type View } from "../view";
import { CancellationEntry } from "./ActionNeeded";
import { CancelDialog } from "./CancelDialog";
import { OrdersTable, type RowActions } from "./OrdersTable";
import { RejectDialog } from "./RejectDialog";
import { SfcrPanel } from "./SfcrPanel";
import { PANEL_ID, Tabs, tabId, type TabKey } from "./Tabs";

export const REFRESH_MS = 30_000;

interface Props {
  api: Api;
  config: PageConfig;
  /** The session ended (401) or the token turned out not to be a seller's (403): back to sign-in with this. */
  onSignedOut: (message: string | null) => void;
  isExpired: () => boolean;
}

interface ListState {
  key: string; // the view these rows are of: until it is the view shown, the panel is loading
  rows: Row[];
  cursor: string | null;
  pages: number;
}

type DialogState = { kind: "cancel" | "reject"; row: Row; opener: HTMLElement } | null;

const EMPTY: ListState = { key: "", rows: [], cursor: null, pages: 1 };

async function fetchList(api: Api, view: View, pages: number): Promise<ListState> {
  const tab = apiTab(view.tab);
  let rows: Row[] = [];
  let cursor: string | null = null;
  let read = 0;
  do {
    if (tab === null) {
      const page = await api.cancellations("REQUESTED", cursor);
      rows = rows.concat(await rowsForRequests(api, page.items));
      cursor = page.next_cursor;
    } else {
      const page = await api.orders(tab, view.filter, cursor);
      rows = rows.concat(await rowsForOrders(api, page.items));
      cursor = page.next_cursor;
    }
    read += 1;
  } while (cursor !== null && read < pages);
  return { key: hashOf(view), rows, cursor, pages: read };
}

export function ManageOrders({ api, config, onSignedOut, isExpired }: Props) {
  const [view, setView] = useState<View>(() => parseHash(location.hash));
  const [counts, setCounts] = useState<ActionNeeded | null>(null);
  const [sfcr, setSfcr] = useState<Sfcr | null>(null);
  const [catalogue, setCatalogue] = useState<ReasonCatalogue | null>(null);
  const [list, setList] = useState<ListState>(EMPTY);
  const [now, setNow] = useState(Date.now());
  const [updated, setUpdated] = useState<string | null>(null);
  const [alert, setAlert] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<DialogState>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const requestsHeading = useRef<HTMLHeadingElement>(null);
  const generation = useRef(0);
  const pagesRef = useRef(1);
  const viewRef = useRef(view);
  viewRef.current = view;

  const fail = useCallback((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) {
      onSignedOut(messages.tokenExpired);
    } else if (error instanceof ApiError && error.status === 403) {
      onSignedOut(error.message);
    } else {
      setAlert(error instanceof Error ? error.message : messages.unexpected);
    }
  }, [onSignedOut]);

  /** Counts, SFCR and the list in view, as many pages as are shown; an older answer never overwrites a newer one. */
  const refresh = useCallback(async (pages?: number) => {
    if (isExpired()) {
      onSignedOut(messages.tokenExpired);
      return;
    }
    const mine = ++generation.current;
    const current = viewRef.current;
    try {
      const [nextCounts, nextSfcr, nextList] = await Promise.all([
        api.actionNeeded(), api.sfcr(), fetchList(api, current, pages ?? pagesRef.current),
      ]);
      if (mine !== generation.current) return;
      setCounts(nextCounts);
      setSfcr(nextSfcr);
      setList(nextList);
      pagesRef.current = nextList.pages;
      setNow(Date.now());
      setUpdated(formatLocalTime(new Date().toISOString()));
    } catch (error) {
      if (mine === generation.current) {
        setList((shown) => (shown.key === hashOf(current) ? shown : { ...EMPTY, key: hashOf(current) }));
        fail(error);
      }
    }
  }, [api, fail, isExpired, onSignedOut]);

  useEffect(() => {
    api.reasons().then(setCatalogue, fail);
  }, [api, fail]);

  useEffect(() => {
    const onHash = () => setView(parseHash(location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  // A new view starts on its first page.
  useEffect(() => {
    setList(EMPTY);
    pagesRef.current = 1;
    void refresh(1);
    if (view.requests) requestsHeading.current?.focus();
  }, [view.tab, view.filter, view.requests, refresh]);

  // Every 30 seconds while the page is visible, and at once when it becomes visible again.
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (!document.hidden) void refresh();
    }, REFRESH_MS);
    const onVisible = () => {
      if (!document.hidden) void refresh();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [refresh]);

  const go = (next: View) => {
    const hash = hashOf(next);
    if (location.hash === hash) setView(parseHash(hash));
    else location.hash = hash;
  };

  const restoreFocus = (opener: HTMLElement | null) => {
    window.requestAnimationFrame(() => {
      if (opener?.isConnected) opener.focus();
      else panel.current?.focus();
    });
  };

  /** Runs one action: success says so and refreshes; a 409 (someone acted first) refreshes and says what happened. */
  const act = async (row: Row, run: () => Promise<unknown>, done: string, opener: HTMLElement | null,
    inDialog: boolean) => {
    setBusy(true);
    setAlert(null);
    setNotice(null);
    setDialogError(null);
    try {
      await run();
      setDialog(null);
      setNotice(done);
      await refresh();
      restoreFocus(opener);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        setDialog(null);
        setAlert(`${error.message} ${messages.conflict(row.order.order_id)}`);
        await refresh();
        restoreFocus(opener);
      } else if (inDialog && error instanceof ApiError && error.status !== 401 && error.status !== 403) {
        setDialogError(error.message);
      } else {
        setDialog(null);
        fail(error);
      }
    } finally {
      setBusy(false);
    }
  };

  const actions: RowActions = {
    approve: (row, opener) => {
      const request = row.request;
      if (request) void act(row, () => api.approve(request.cancel_id), messages.approved(row.order.order_id), opener,
        false);
    },
    acknowledge: (row, opener) => {
      const cancellation = row.cancellation;
      if (cancellation) void act(row, () => api.acknowledge(cancellation.cancel_id),
        messages.acknowledged(row.order.order_id), opener, false);
    },
    reject: (row, opener) => {
      setDialogError(null);
      setDialog({ kind: "reject", row, opener });
    },
    cancel: (row, opener) => {
      setDialogError(null);
      setDialog({ kind: "cancel", row, opener });
    },
  };

  const closeDialog = () => {
    const opener = dialog?.opener ?? null;
    setDialog(null);
    restoreFocus(opener);
  };

  const loadMore = async () => {
    if (!list.cursor) return;
    const mine = ++generation.current;
    try {
      const tab = apiTab(view.tab);
      let rows: Row[];
      let cursor: string | null;
      if (tab === null) {
        const page = await api.cancellations("REQUESTED", list.cursor);
        rows = await rowsForRequests(api, page.items);
        cursor = page.next_cursor;
      } else {
        const page = await api.orders(tab, view.filter, list.cursor);
        rows = await rowsForOrders(api, page.items);
        cursor = page.next_cursor;
      }
      if (mine !== generation.current) return;
      const next = { key: list.key, rows: list.rows.concat(rows), cursor, pages: list.pages + 1 };
      pagesRef.current = next.pages;
      setList(next);
    } catch (error) {
      fail(error);
    }
  };

  const loading = list.key !== hashOf(view);
  const tabName = messages.tabs[view.tab] ?? view.tab;
  const table = (caption: string) => (
    <>
      <OrdersTable caption={caption} rows={list.rows} now={now} catalogue={catalogue} actions={actions} busy={busy} />
      {list.cursor && (
        <button type="button" class="secondary load-more" onClick={() => void loadMore()}>{messages.loadMore}</button>
      )}
    </>
  );

  return (
    <main id="main">
      <h1>{messages.heading}</h1>
      <SfcrPanel sfcr={sfcr} marketTimeZone={config.market_timezone} />
      <div class="messages">
        {alert && (
          <div role="alert" class="alert">
            <p>{alert}</p>
            <button type="button" class="secondary" onClick={() => setAlert(null)}>{messages.dismiss}</button>
          </div>
        )}
        <p role="status" class="notice">{notice ?? ""}</p>
      </div>
      <Tabs current={view.tab} actionNeededCount={counts?.cancellation.total ?? null}
        onSelect={(key: TabKey) => go({ tab: key, filter: false, requests: false })} />
      <div role="tabpanel" id={PANEL_ID} aria-labelledby={tabId(view.tab)} tabIndex={-1} ref={panel} class="panel-body"
        aria-busy={loading}>
        {view.tab === "action_needed" && (
          <>
            <CancellationEntry counts={counts} responseWindowSeconds={config.response_window_seconds}
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
        {updated && <p class="updated">{messages.lastUpdated(updated)}</p>}
      </div>
      {dialog?.kind === "cancel" && catalogue && (
        <CancelDialog order={dialog.row.order} catalogue={catalogue} error={dialogError} busy={busy}
          onClose={closeDialog}
          onConfirm={(reason) => void act(dialog.row, () => api.cancel(dialog.row.order.order_id, reason, null),
            messages.cancelled(dialog.row.order.order_id), dialog.opener, true)} />
      )}
      {dialog?.kind === "reject" && catalogue && dialog.row.request && (
        <RejectDialog order={dialog.row.order} catalogue={catalogue} error={dialogError} busy={busy}
          onClose={closeDialog}
          onConfirm={(reason, comment) => {
            const request = dialog.row.request;
            if (request) void act(dialog.row, () => api.reject(request.cancel_id, reason, comment),
              messages.rejected(dialog.row.order.order_id), dialog.opener, true);
          }} />
      )}
    </main>
  );
}
