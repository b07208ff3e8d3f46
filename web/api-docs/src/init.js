// Starts Swagger UI on this API's document. A file of its own, not an inline script: the page's
// Content-Security-Policy allows scripts from the app only.
"use strict";

window.ui = SwaggerUIBundle({
  // Beside the page: /openapi.json locally, /<stage>/openapi.json behind API Gateway. Made absolute so the
  // document's relative server URL resolves against where the document really is.
  url: new URL("openapi.json", document.baseURI).href,
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  // Nothing leaves for another host: no online validator badge.
  validatorUrl: null,
  // The page shows this API's document only, never one named in its query string.
  queryConfigEnabled: false,
  // A token typed into Authorize lives in the page only, never in the browser's storage.
  persistAuthorization: false,
});
