// Cloud sign-in: the identity provider's hosted login, authorization code with PKCE, through oidc-client-ts.
// Loaded only when the runtime config names a provider, so the local page never downloads it.
import { UserManager, WebStorageStateStore } from "oidc-client-ts";
import type { OidcConfig } from "./config";

export interface OidcSignIn {
  /** Sends the browser to the provider's login. */
  start: () => Promise<void>;
  /** On the way back (?code=&state=): the ID token, whose audience is this client (what the API checks). */
  finish: () => Promise<string | null>;
  signOut: () => Promise<void>;
}

export function oidcSignIn(config: OidcConfig, pageUrl: string): OidcSignIn {
  const manager = new UserManager({
    authority: config.authority,
    client_id: config.client_id,
    redirect_uri: pageUrl,
    post_logout_redirect_uri: pageUrl,
    response_type: "code",
    scope: config.scope,
    loadUserInfo: false,
    automaticSilentRenew: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
  return {
    start: () => manager.signinRedirect(),
    finish: async () => {
      const params = new URLSearchParams(location.search);
      if (!params.has("code") || !params.has("state")) return null;
      try {
        const user = await manager.signinRedirectCallback();
        return user.id_token ?? null;
      } finally {
        history.replaceState(null, "", pageUrl + location.hash);
      }
    },
    signOut: () => manager.removeUser(),
  };
}
