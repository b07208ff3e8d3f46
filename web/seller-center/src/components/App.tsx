import { useCallback, useMemo, useState } from "preact/hooks";
import { Api, ApiError } from "../api";
import { apiRoot, type DemoSeller, type PageConfig } from "../config";
import { useSentence } from "../hooks/useSentence";
import { CATALOGUES, chooseLanguage, errorText, messages, type Sentence } from "../messages";
import type { OidcSignIn } from "../oidc";
import { checkToken, isExpired, restoreSession, saveSession, type Session } from "../session";
import { ManageOrders } from "./ManageOrders";
import { SignIn } from "./SignIn";

interface Props {
  config: PageConfig;
  pageUrl: string;
  demoSellers: DemoSeller[];
  oidc: OidcSignIn | null;
  initialMessage: Sentence | null;
  initialToken: string | null;
}

function restored(): { session: Session | null; message: Sentence | null } {
  const session = restoreSession();
  if (session && isExpired(session, Date.now())) {
    saveSession(null);
    return { session: null, message: () => messages.tokenExpired };
  }
  return { session, message: null };
}

export function App({ config, pageUrl, demoSellers, oidc, initialMessage, initialToken }: Props) {
  const [start] = useState(restored);
  const [session, setSession] = useState<Session | null>(start.session);
  // What the sign-in says (why the session ended, why a token was refused), worded at each render.
  const [message, setMessage] = useSentence(initialMessage ?? start.message);
  const [busy, setBusy] = useState(false);
  // The language in use: changing it re-renders every string (components read the live `messages`).
  const [language, setLanguage] = useState(messages.locale);
  const root = apiRoot(config, pageUrl);
  const api = useMemo(() => new Api(root, () => session?.token ?? null, messages.networkError), [root, session]);

  const signOut = useCallback((why: Sentence | null) => {
    saveSession(null);
    setSession(null);
    setMessage(why);
    void oidc?.signOut();
  }, [oidc, setMessage]);

  /** Checks the token's claims, then asks the API (which verifies it) before showing anything. */
  const signIn = useCallback(async (raw: string) => {
    if (!raw.trim()) {
      setMessage(() => messages.tokenEmpty);
      return;
    }
    const checked = checkToken(raw, Date.now());
    if (!checked.ok) {
      const { problem, role } = checked;
      setMessage(() => (problem === "expired" ? messages.tokenExpired
        : problem === "role" ? messages.wrongRole(role ?? "") : messages.tokenUnreadable));
      return;
    }
    setBusy(true);
    try {
      await new Api(root, () => checked.session.token, messages.networkError).actionNeeded();
      saveSession(checked.session);
      setMessage(null);
      setSession(checked.session);
    } catch (error) {
      setMessage(() => (error instanceof ApiError && error.status === 401 && error.code === "TOKEN_EXPIRED"
        ? messages.tokenExpired : errorText(error)));
    } finally {
      setBusy(false);
    }
  }, [root, setMessage]);

  const [tried, setTried] = useState(false);
  if (initialToken && !tried) {
    setTried(true);
    void signIn(initialToken);
  }

  const current = session;
  return (
    <>
      <header class="bar">
        <span class="brand">{messages.appName}</span>
        <span class="language">
          <label for="language" class="visually-hidden">{messages.languageLabel}</label>
          <select id="language" value={language} onChange={(event) => {
            chooseLanguage((event.currentTarget as HTMLSelectElement).value);
            setLanguage(messages.locale);
          }}>
            {CATALOGUES.map((c) => <option key={c.locale} value={c.locale} lang={c.locale}>{c.languageName}</option>)}
          </select>
        </span>
        {current && (
          <span class="who">
            <span>{messages.signedInAs(current.sellerId)}</span>
            <button type="button" class="secondary" onClick={() => signOut(null)}>{messages.signOut}</button>
          </span>
        )}
      </header>
      {current ? (
        <ManageOrders key={current.token} api={api} config={config} language={language} onSignedOut={signOut}
          isExpired={() => isExpired(current, Date.now())} />
      ) : (
        <SignIn message={message} busy={busy} demoSellers={demoSellers} onToken={(token) => void signIn(token)}
          withProvider={oidc ? () => void oidc.start() : null} />
      )}
    </>
  );
}
