import { useCallback, useState } from "preact/hooks";
import type { Sentence } from "../messages";

/** A kept Sentence, and its words in the language of this render. */
export function useSentence(initial: Sentence | null = null): [string | null, (next: Sentence | null) => void] {
  // Boxed: a state setter takes a bare function for an update to run, not for the value to keep.
  const [kept, setKept] = useState<{ say: Sentence } | null>(initial && { say: initial });
  const keep = useCallback((next: Sentence | null) => setKept(next && { say: next }), []);
  return [kept ? kept.say() : null, keep];
}
