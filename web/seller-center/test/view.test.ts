import { describe, expect, it } from "vitest";
import { apiRoot } from "../src/config";
import { hashOf, parseHash } from "../src/view";

describe("the view in the URL", () => {
  it("round-trips every tab, the Cancellation filter and the requests", () => {
    for (const hash of ["#action-needed", "#all", "#all/cancellation", "#to-ship", "#cancelled", "#requests"]) {
      expect(hashOf(parseHash(hash))).toBe(hash);
    }
  });

  it("starts on Action Needed, and keeps the filter to the All tab", () => {
    expect(parseHash("")).toEqual({ tab: "action_needed", filter: false, requests: false });
    expect(parseHash("#nonsense")).toEqual({ tab: "action_needed", filter: false, requests: false });
    expect(parseHash("#shipped/cancellation")).toEqual({ tab: "shipped", filter: false, requests: false });
  });
});

describe("the API root", () => {
  const config = { response_window_seconds: 1, market_timezone: "UTC", oidc: null };
  it("is the page's folder by default: the stage behind API Gateway, the origin locally", () => {
    expect(apiRoot({ ...config, api_base_url: "" }, "https://x.execute-api.eu-west-1.amazonaws.com/api/app"))
      .toBe("https://x.execute-api.eu-west-1.amazonaws.com/api/");
    expect(apiRoot({ ...config, api_base_url: "" }, "http://127.0.0.1:8000/app")).toBe("http://127.0.0.1:8000/");
  });

  it("is the configured URL when there is one", () => {
    expect(apiRoot({ ...config, api_base_url: "https://desk.example.com/v1" }, "https://desk.example.com/app"))
      .toBe("https://desk.example.com/v1/");
  });
});
