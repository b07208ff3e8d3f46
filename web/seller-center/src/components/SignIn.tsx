import { useState } from "preact/hooks";
import type { DemoSeller } from "../config";
import { messages } from "../messages";

interface Props {
  message: string | null;
  busy: boolean;
  demoSellers: DemoSeller[];
  withProvider: (() => void) | null;
  onToken: (token: string) => void;
}

/** Sign-in: a seller token pasted in (works everywhere), the provider's login (cloud), demo sellers (local). */
export function SignIn({ message, busy, demoSellers, withProvider, onToken }: Props) {
  const [token, setToken] = useState("");
  return (
    <main id="main" class="sign-in">
      <h1>{messages.signInHeading}</h1>
      {message && <p role="alert" class="alert">{message}</p>}
      {withProvider && (
        <p><button type="button" onClick={withProvider} disabled={busy}>{messages.signInWithProvider}</button></p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onToken(token);
        }}
      >
        <label for="access-token">{messages.accessToken}</label>
        <textarea id="access-token" rows={3} value={token} spellcheck={false} autoComplete="off"
          aria-describedby="access-token-hint"
          onInput={(event) => setToken((event.currentTarget as HTMLTextAreaElement).value)} />
        <p id="access-token-hint" class="hint">{messages.accessTokenHint}</p>
        <button type="submit" disabled={busy}>{messages.signIn}</button>
      </form>
      {demoSellers.length > 0 && (
        <section aria-labelledby="demo-heading" class="demo">
          <h2 id="demo-heading">{messages.demoSellers}</h2>
          <ul>
            {demoSellers.map((seller) => (
              <li key={seller.seller_id}>
                <button type="button" class="secondary" disabled={busy} onClick={() => onToken(seller.token)}>
                  {messages.signInAs(seller.seller_id)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
