import { useEffect, useState } from "preact/hooks";
import { hashOf, parseHash, type View } from "../view";

/** The view shown, kept in the URL's hash (View links, Back, reloads), and how to go to another. */
export function useView(): [View, (next: View) => void] {
  const [view, setView] = useState<View>(() => parseHash(location.hash));

  useEffect(() => {
    const onHash = () => setView(parseHash(location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  const go = (next: View) => {
    const hash = hashOf(next);
    // The same hash fires no hashchange: set it again, so choosing the view shown reloads it.
    if (location.hash === hash) setView(parseHash(hash));
    else location.hash = hash;
  };
  return [view, go];
}
