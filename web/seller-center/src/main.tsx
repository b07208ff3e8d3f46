import { render } from "preact";
import { App } from "./components/App";
import { loadConfig, loadDemoSellers } from "./config";
import { setMarketTimeZone } from "./format";
import { messages, pickLanguage, rememberedLanguage, applyLanguage, type Sentence } from "./messages";
import "./styles.css";

async function boot(): Promise<void> {
  const root = document.getElementById("root");
  if (!root) return;
  applyLanguage(pickLanguage(rememberedLanguage(), navigator.languages));
  const pageUrl = location.origin + location.pathname;
  const config = await loadConfig(pageUrl);
  setMarketTimeZone(config.market_timezone);
  const oidc = config.oidc ? (await import("./oidc")).oidcSignIn(config.oidc, pageUrl) : null;
  const demoSellers = oidc ? [] : await loadDemoSellers(pageUrl);
  let initialToken: string | null = null;
  let initialMessage: Sentence | null = null;
  if (oidc) {
    try {
      initialToken = await oidc.finish();
    } catch {
      initialMessage = () => messages.signInFailed;
    }
  }
  render(<App config={config} pageUrl={pageUrl} demoSellers={demoSellers} oidc={oidc}
    initialMessage={initialMessage} initialToken={initialToken} />, root);
}

void boot();
