// The rows a view shows, fetched from the API a page at a time: orders of a tab, or the pending requests.
import type { Api } from "./api";
import { acceptedOffers, latestByOrder, type Row, rowsForOrders, rowsForRequests } from "./rows";
import { apiTab, hashOf, type View } from "./view";

export interface ListState {
  key: string; // the view these rows are of: until it is the view shown, the panel is loading
  rows: Row[];
  cursor: string | null;
  pages: number;
}

export const EMPTY_LIST: ListState = { key: "", rows: [], cursor: null, pages: 1 };

/** One page of the view's rows from `cursor` (null: the first), and the cursor of the next. */
async function fetchPage(api: Api, view: View, cursor: string | null): Promise<{ rows: Row[]; cursor: string | null }> {
  const tab = apiTab(view.tab);
  if (tab === null) {
    const page = await api.cancellations("REQUESTED", cursor);
    return { rows: await rowsForRequests(api, page.items), cursor: page.next_cursor };
  }
  const [page, withdrawn, rejected] = await Promise.all([api.orders(tab, view.filter, cursor),
    api.cancellations("WITHDRAWN", null), api.cancellations("REJECTED", null)]);
  return { rows: await rowsForOrders(api, page.items, acceptedOffers(withdrawn.items), latestByOrder(rejected.items)),
    cursor: page.next_cursor };
}

/** The view's first `pages` pages (as many as were shown, so a refresh keeps what Load more added). */
export async function fetchList(api: Api, view: View, pages: number): Promise<ListState> {
  let rows: Row[] = [];
  let cursor: string | null = null;
  let read = 0;
  do {
    const page = await fetchPage(api, view, cursor);
    rows = rows.concat(page.rows);
    cursor = page.cursor;
    read += 1;
  } while (cursor !== null && read < pages);
  return { key: hashOf(view), rows, cursor, pages: read };
}

/** The list with its next page added (Load more). */
export async function fetchMore(api: Api, view: View, list: ListState): Promise<ListState> {
  if (list.cursor === null) return list;
  const page = await fetchPage(api, view, list.cursor);
  return { key: list.key, rows: list.rows.concat(page.rows), cursor: page.cursor, pages: list.pages + 1 };
}
