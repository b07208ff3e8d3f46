import { useEffect } from "preact/hooks";

export const REFRESH_MS = 30_000;

/** Calls `refresh` every 30 seconds while the page is visible, and at once when it becomes visible again. */
export function usePolling(refresh: () => void): void {
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (!document.hidden) refresh();
    }, REFRESH_MS);
    const onVisible = () => {
      if (!document.hidden) refresh();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [refresh]);
}
