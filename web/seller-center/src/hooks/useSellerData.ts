import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Api } from "../api";
import { EMPTY_LIST, fetchList, fetchMore, type ListState } from "../list";
import { messages, type Sentence } from "../messages";
import type { ActionNeeded, ReasonCatalogue, Sfcr } from "../types";
import { hashOf, type View } from "../view";

export interface SellerData {
  counts: ActionNeeded | null;
  sfcr: Sfcr | null;
  /** The reason catalogue with its flags and the contract's limits: read once per session. */
  catalogue: ReasonCatalogue | null;
  list: ListState;
  /** When the rows were read: the countdowns count from it. */
  now: number;
  /** When the rows were read (ISO 8601), shown in the page's language. */
  updated: string | null;
  /** Counts, SFCR and the list in view, as many pages as are shown; an older answer never overwrites a newer one. */
  refresh: (pages?: number) => Promise<void>;
  /** A new view starts empty, on its first page. */
  startView: () => void;
  loadMore: () => Promise<void>;
}

/** What Manage Orders shows, read from the API. */
export function useSellerData(api: Api, view: View, language: string, fail: (error: unknown) => void,
  isExpired: () => boolean, onSignedOut: (why: Sentence | null) => void): SellerData {
  const [counts, setCounts] = useState<ActionNeeded | null>(null);
  const [sfcr, setSfcr] = useState<Sfcr | null>(null);
  const [catalogue, setCatalogue] = useState<ReasonCatalogue | null>(null);
  const [list, setList] = useState<ListState>(EMPTY_LIST);
  const [now, setNow] = useState(Date.now());
  const [updated, setUpdated] = useState<string | null>(null);
  const generation = useRef(0);
  const pagesRef = useRef(1);
  const viewRef = useRef(view);
  viewRef.current = view;

  const refresh = useCallback(async (pages?: number) => {
    if (isExpired()) {
      onSignedOut(() => messages.tokenExpired);
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
      setUpdated(new Date().toISOString());
    } catch (error) {
      if (mine === generation.current) {
        setList((shown) => (shown.key === hashOf(current) ? shown : { ...EMPTY_LIST, key: hashOf(current) }));
        fail(error);
      }
    }
  }, [api, fail, isExpired, onSignedOut]);

  // Again in each language the seller switches to: the labels are the API's, in the language asked for.
  useEffect(() => {
    let current = true;  // an answer in the language left behind never replaces the one asked for since
    api.reasons(language).then((labelled) => current && setCatalogue(labelled), fail);
    return () => {
      current = false;
    };
  }, [api, fail, language]);

  const startView = useCallback(() => {
    setList(EMPTY_LIST);
    pagesRef.current = 1;
    void refresh(1);
  }, [refresh]);

  const loadMore = async () => {
    if (!list.cursor) return;
    const mine = ++generation.current;
    try {
      const next = await fetchMore(api, view, list);
      if (mine !== generation.current) return;
      pagesRef.current = next.pages;
      setList(next);
    } catch (error) {
      fail(error);
    }
  };

  return { counts, sfcr, catalogue, list, now, updated, refresh, startView, loadMore };
}
