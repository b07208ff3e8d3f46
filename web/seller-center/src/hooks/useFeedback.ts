import { useCallback, useState } from "preact/hooks";
import { ApiError } from "../api";
import { errorText, messages, type Sentence } from "../messages";
import { useSentence } from "./useSentence";

/** What the page says happened (`role=status`), what went wrong (`role=alert`), and whether an action runs. Each
 * is kept as a Sentence and worded in the language of the render that shows it. */
export interface Feedback {
  alert: string | null;
  notice: string | null;
  busy: boolean;
  setAlert: (alert: Sentence | null) => void;
  setNotice: (notice: Sentence | null) => void;
  setBusy: (busy: boolean) => void;
  /** Before an action: busy, and the last alert and notice gone. */
  start: () => void;
  /** A 401 ends the session, a 403 too (the token is not a seller's); anything else is shown in the alert. */
  fail: (error: unknown) => void;
}

export function useFeedback(onSignedOut: (why: Sentence | null) => void): Feedback {
  const [alert, setAlert] = useSentence();
  const [notice, setNotice] = useSentence();
  const [busy, setBusy] = useState(false);

  const fail = useCallback((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) {
      onSignedOut(() => messages.tokenExpired);
    } else if (error instanceof ApiError && error.status === 403) {
      onSignedOut(() => errorText(error));
    } else {
      setAlert(() => errorText(error));
    }
  }, [onSignedOut, setAlert]);

  const start = () => {
    setBusy(true);
    setAlert(null);
    setNotice(null);
  };
  return { alert, notice, busy, setAlert, setNotice, setBusy, start, fail };
}
