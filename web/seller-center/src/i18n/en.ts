// The page in English: every string a seller reads. Its shape is every language's (`Catalogue`): a catalogue
// missing a key here, or holding one more, fails the type check. A language is one more file like this one.
import type { Countdown } from "../format";
import type { OfferField, OfferProblemKind } from "../offers";
import type { PhotoProblem } from "../photos";
import type { BandMove } from "../warnings";
import type { Actor, AppealStatus, AutoApproveCause, CancellationStatus, OfferKind, OrderStatus } from "../types";
import { counter, pick } from "../wording";

const n = counter("en");

const orderStatus: Record<OrderStatus, string> = {
  UNPAID: "Unpaid",
  AWAITING_SHIPMENT: "To ship",
  AWAITING_COLLECTION: "Awaiting collection",
  IN_TRANSIT: "In transit",
  DELIVERED: "Delivered",
  COMPLETED: "Completed",
  CANCELLED: "Cancelled",
};

const cancellationStatus: Record<CancellationStatus, string> = {
  REQUESTED: "Cancellation requested",
  AUTO_APPROVED: "Auto-approved cancellation",
  APPROVED: "Cancellation approved",
  REJECTED: "Cancellation rejected",
  WITHDRAWN: "Request withdrawn",
  SELLER_CANCELLED: "Cancelled by you",
};

const causes: Record<AutoApproveCause, string> = {
  UNPAID_ORDER: "the order was not paid yet",
  WITHIN_GRACE_PERIOD: "asked within the grace period after payment",
  SELLER_RESPONSE_TIMEOUT: "no answer before the deadline",
  SELLER_RULE: "one of your auto-approve rules matched",
  PROMISE_MISSED: "you did not ship by the date you promised",
};

const actors: Record<Actor, string> = {
  BUYER: "the buyer",
  SELLER: "you",
  SYSTEM: "the platform",
  OPERATOR: "support",
  PLATFORM: "the platform",
};

const standings: Record<string, string> = {
  GOOD: "Good",
  AT_RISK: "At risk",
  RESTRICTED: "Restricted",
  SUSPENDED: "Suspended",
};

const offerKinds: Record<OfferKind, string> = {
  PARTIAL_REFUND: "A partial refund to keep the order",
  SHIP_BY: "A date you promise to ship by",
  KEEP_ORDER: "A message only",
};

const offerFields: Record<OfferField, string> = {
  kind: "what you offer",
  message: "the message",
  amount: "the amount",
  ship_by: "the ship-by date",
};

const appealStatuses: Record<AppealStatus, string> = {
  OPEN: "Appeal sent: the support desk decides",
  UPHELD: "Appeal declined: the cancellation still counts",
  OVERTURNED: "Appeal accepted: the cancellation no longer counts",
};

const label = pick;

const en = {
  /** The BCP 47 tag: `<html lang>`, Intl's locale, the API's `locale`. */
  locale: "en",
  /** Other tags a browser may send for this language (RFC 4647 lookup is tried first). */
  aliases: [] as string[],
  /** The language's own name, in the language switch. */
  languageName: "English",
  languageLabel: "Language",
  /** Currencies written in whole units in this language (IDR in Indonesian); the others as Intl writes them. */
  wholeUnitCurrencies: [] as string[],
  /** Whether a space may stand between a currency's symbol and the number ("IDR 1,500.00"). */
  currencySpace: true,

  appName: "Seller Center",
  heading: "Manage Orders",
  /** The browser tab's title (`document.title`), set with the language. */
  pageTitle: "Seller Center · Manage Orders",

  // Sign-in
  signInHeading: "Sign in to Seller Center",
  accessToken: "Access token",
  accessTokenHint: "Paste a seller access token.",
  signIn: "Sign in",
  signInWithProvider: "Sign in with your account",
  signInAs: (seller: string) => `Sign in as ${seller}`,
  demoSellers: "Demo sellers (local only)",
  signOut: "Sign out",
  signedInAs: (seller: string) => `Signed in as seller ${seller}`,
  tokenEmpty: "Enter an access token.",
  tokenUnreadable: "That is not an access token. Paste the whole token.",
  tokenExpired: "Your session has expired. Sign in again.",
  wrongRole: (role: string) =>
    `This token is for a ${role || "non-seller"} account. Seller Center needs a seller token.`,
  signInFailed: "Sign-in did not complete. Try again.",
  loading: "Loading…",

  // Tabs
  tabsLabel: "Order tabs",
  tabs: {
    action_needed: "Action Needed",
    all: "All",
    unpaid: "Unpaid",
    to_ship: "To Ship",
    shipped: "Shipped",
    completed: "Completed",
    cancelled: "Cancelled",
  } as Record<string, string>,

  // Action Needed
  cancellation: "Cancellation",
  cancellationEntryHint: "Show these orders in the All tab",
  autoApproved: "Auto-approved cancellation",
  requested: "Cancellation requested",
  view: "View",
  viewAutoApproved: "View auto-approved cancellations",
  viewRequested: "View cancellation requests",
  respondInDays: (days: number) => `You have ${n(days, { one: "calendar day", other: "calendar days" })} to respond`,
  respondInHours: (hours: number) => `You have ${n(hours, { one: "hour", other: "hours" })} to respond`,
  dueSoon: "Auto-approving within 24 h",
  awaitingBuyer: "Offers waiting for the buyer",
  requestsHeading: "Cancellation requests, most urgent first",
  noRequests: "No cancellation request is waiting for you.",

  // Filter and tables
  filterGroup: "Filters",
  filterHint: "Orders with a pending request or an auto-approved cancellation you have not seen",
  ordersCaption: (tab: string, filtered: boolean) => `${tab} orders${filtered ? ", Cancellation filter on" : ""}`,
  columns: {
    order: "Order",
    placed: "Placed",
    buyer: "Buyer",
    total: "Total",
    status: "Status",
    deadline: "Respond by",
    actions: "Actions",
    reason: "Reason",
    requested: "Requested",
  },
  noOrders: "No orders here.",
  remaining: (money: string) => `${money} after cancelled items`,
  cancelledItems: "Cancelled items",
  lineCount: (sku: string, quantity: number) => `${sku} × ${quantity}`,
  loadMore: "Load more",
  orderStatus: (code: string) => label(orderStatus, code),
  cancellationStatus: (code: string) => label(cancellationStatus, code),
  countdown: (left: Countdown) => {
    if (left.overdue) return "Response time is over";
    if (left.days > 0) return `Respond within ${n(left.days, { one: "day", other: "days" })} ${left.hours} h`;
    if (left.hours > 0) return `Respond within ${left.hours} h ${left.minutes} min`;
    return `Respond within ${Math.max(1, left.minutes)} min`;
  },
  pendingRequest: "Buyer asked to cancel",
  statusDetails: (order: string) => `Cancellation details of order ${order}`,
  cancelledBy: (actor: string | null) => `Cancelled by ${label(actors, actor)}`,
  // SD8: an operator made the cancellation, on the seller's behalf or on the buyer's
  bySupport: (initiator: string, ticket: string) => initiator === "SELLER"
    ? `Cancelled by support on your behalf (ticket ${ticket})`
    : `Requested by support on the buyer's behalf (ticket ${ticket})`,
  cancelledAt: "When",
  reasonLabel: "Reason",
  causeLabel: "Cause",
  cause: (code: string | null, status: string) =>
    code ? label(causes, code) : status === "SELLER_CANCELLED" ? "cancelled by you" : "approved by you",
  causeBySupport: "cancelled by support on your behalf",
  refundLabel: "Refund",
  refund: (status: string, money: string | null) => {
    if (status === "NOT_APPLICABLE" || money === null) return "None: the order was not paid";
    if (status === "PENDING") return `${money}, waiting for the payment system`;
    if (status === "REFUNDED") return `${money}, refunded`;
    return "None";
  },
  refundReference: (reference: string) => `Reference ${reference}`,

  // Actions
  approve: "Approve",
  reject: "Reject",
  moreActions: "More Actions",
  cancel: "Cancel",
  actionsFor: (order: string) => `Actions for order ${order}`,
  approveFor: (order: string) => `Approve cancellation of order ${order}`,
  rejectFor: (order: string) => `Reject cancellation of order ${order}`,
  moreActionsFor: (order: string) => `More Actions for order ${order}`,
  markSeen: "Mark as seen",
  markSeenFor: (order: string) => `Mark the auto-approved cancellation of order ${order} as seen`,
  acknowledged: (order: string) => `Auto-approved cancellation of order ${order} marked as seen.`,
  approved: (order: string) => `Cancellation of order ${order} approved: the order is cancelled.`,
  rejected: (order: string) => `Cancellation request of order ${order} rejected: the order goes on.`,
  cancelled: (order: string) => `Order ${order} cancelled.`,
  itemsCancelled: (order: string, lines: string) => `Items of order ${order} cancelled: ${lines}.`,
  conflict: (order: string) => `Someone else acted on order ${order} first; it now shows its current state.`,

  makeOffer: "Make an offer",
  makeOfferFor: (order: string) => `Make an offer to keep order ${order}`,
  offerMade: (order: string) => `Offer on order ${order} sent: your time to respond stops until the buyer answers.`,

  // The offer on a request (OF1–OF8)
  offerKind: (kind: string) => label(offerKinds, kind),
  offerTerms: (kind: string, amount: string | null, shipBy: string | null) => {
    if (kind === "PARTIAL_REFUND" && amount) return `Your offer: ${amount} back to keep the order`;
    if (kind === "SHIP_BY" && shipBy) return `Your offer: shipped by ${shipBy}`;
    return "Your offer: a message to keep the order";
  },
  offerState: (status: string, answerBy: string) => {
    if (status === "OPEN") return `Waiting for the buyer until ${answerBy}`;
    if (status === "ACCEPTED") return "The buyer accepted your offer: the order goes on.";
    if (status === "DECLINED") return "The buyer declined your offer: respond to the request.";
    return "The buyer did not answer your offer in time: respond to the request.";
  },
  buyerDeadline: "Buyer answers by",
  promisedShipBy: (at: string) => `You promised to ship by ${at}`,

  // Selection and Approve selected
  selectRow: (order: string) => `Select order ${order}`,
  selectAll: "Select all pending requests shown",
  selectColumn: "Select",
  bulkToolbar: "Selected requests",
  selectedCount: (count: number) => `${n(count, { one: "request", other: "requests" })} selected`,
  approveSelected: "Approve selected",
  bulkResults: "Results of Approve selected",
  bulkSummary: (approved: number, total: number) =>
    `Approved ${approved} of ${n(total, { one: "request", other: "requests" })}.`,
  bulkApproved: (order: string) => `Order ${order}: approved, the order is cancelled.`,
  bulkRefused: (order: string, message: string) => `Order ${order}: not approved. ${message}`,
  rowRefused: (message: string) => `Not approved: ${message}`,

  // Dialogs
  cancelDialog: "Cancel order",
  cancelDialogOrder: (order: string) => `Order ${order}`,
  cancellationReason: "Cancellation reason",
  chooseReason: "Choose a reason",
  needsPhoto: " (needs a photo)",
  // Photos on a reject (E1, E3, E5)
  photos: "Photos",
  choosePhotos: "Choose photos",
  dropPhotos: "or drop them here",
  photosHint: (max: number, megabytes: number) =>
    `JPEG, PNG or WebP: up to ${n(max, { one: "photo", other: "photos" })}, each at most ${megabytes} MB.`,
  photoNeeded: "This reason needs at least one photo: choose one to reject.",
  chosenPhotos: "Chosen photos",
  removePhoto: (name: string) => `Remove ${name}`,
  uploadingPhoto: (name: string) => `Uploading ${name}`,
  photoUploaded: "Uploaded",
  photoRefused: (name: string, problem: PhotoProblem, max: number, megabytes: number) => {
    if (problem === "wrong_type") return `${name} is not a JPEG, PNG or WebP image.`;
    if (problem === "empty") return `${name} is empty.`;
    if (problem === "too_large") return `${name} is larger than ${megabytes} MB.`;
    return `${name} was not added: at most ${n(max, { one: "photo", other: "photos" })}.`;
  },
  uploadRefused: (name: string, code: string) => {
    if (code === "NETWORK") return `${name} could not be uploaded: check your connection and try again.`;
    if (code === "EntityTooLarge") return `${name} changed since it was chosen: remove it and choose it again.`;
    return `The upload of ${name} was refused (${code}): try again.`;
  },
  invalidEvidence: (name: string, problem: string) => {
    if (problem === "TOO_LARGE") return `${name} is too large to attach: remove it and choose a smaller photo.`;
    if (problem === "WRONG_TYPE") return `${name} is not the image its type says: remove it and choose a JPEG, PNG or WebP photo.`;
    if (problem === "ALREADY_USED") return `${name} is already attached elsewhere: remove it and choose it again.`;
    return `${name} did not arrive: remove it and choose it again.`;
  },
  photoOf: (index: number, total: number) => `Photo ${index} of ${total}`,
  rejectDialog: "Reject cancellation request",
  rejectionReason: "Rejection reason",
  comment: "Comment (optional)",
  commentHint: (max: number) => `At most ${max} characters.`,
  confirm: "Confirm",
  close: "Close",
  sfcrWarning:
    "This is a seller-fault cancellation: it counts toward your seller-fault cancellation rate (SFCR).",
  noReasons: "This order can no longer be cancelled.",
  sfcrMove: (now: string, after: string) => `Your rate: ${now} now → ${after} after this cancellation.`,
  sfcrUnchanged: (now: string) =>
    `Your rate stays ${now}: this order already counts, or was placed outside the window.`,
  itemsToCancel: "Items to cancel",
  itemsHint: "Out of stock: cancel only what you cannot ship. All remaining items cancel the whole order.",
  quantityToCancel: (sku: string, remaining: number) => `${sku}: quantity to cancel, of ${remaining}`,
  unitPrice: (money: string) => `${money} each`,
  quantityProblem: (sku: string, max: number) => `Enter a whole number from 0 to ${max} for ${sku}.`,
  nothingChosen: "Choose at least one item to cancel.",
  refundPreview: (money: string) => `The buyer gets back ${money}.`,
  wholeOrderNote: "This cancels the whole order.",
  offerDialog: "Make an offer",
  offerHint: "One offer per request. Your time to respond stops until the buyer accepts or declines it.",
  offerKindLegend: "What you offer",
  offerMessage: "Message to the buyer",
  offerAmount: (currency: string) => `Amount to refund (${currency})`,
  offerAmountHint: (max: string) => `From the smallest unit up to ${max}, what remains of the order.`,
  offerShipBy: "Ship by",
  offerShipByHint: (zone: string, latest: string) => `In the market's time (${zone}), at the latest ${latest}.`,
  offerProblem: (field: string, problem: OfferProblemKind, max: number, days: number) => {
    if (field === "kind") return "Choose what you offer.";
    if (problem === "missing") return `Enter ${label(offerFields, field)}.`;
    if (problem === "too_long") return `The message has at most ${max} characters.`;
    if (problem === "not_money") return "Enter the amount as a number, like 15000 or 12.50.";
    if (problem === "out_of_range") return "The amount must be more than zero and at most what remains of the order.";
    if (problem === "not_after_now") return "The ship-by date must be later than now.";
    return `The ship-by date can be at most ${n(days, { one: "day", other: "days" })} ahead.`;
  },
  invalidOffer: (field: string | null) =>
    `The offer was refused: check ${field ? label(offerFields, field) : "what you entered"} and try again.`,

  // The API's warnings, worded here from their codes (its English `warning` is for developers)
  handoverWarnings: {
    NO_HANDOVER: () => "You don't need to hand over this order to logistics.",
    PENDING_REQUEST: () =>
      "The buyer asked to cancel this order: answer the request before handing it to logistics.",
    PARTLY_CANCELLED: (lines: string) => `Don't pack the cancelled items: ${lines}.`,
  },
  previewWarnings: {
    // The standings as the API names them: the English sentence the page showed before it had codes.
    SFCR_BAND_WORSENS: (move: BandMove) =>
      `This cancellation would raise your seller-fault cancellation rate from ${move.rateNow} to ${move.rateAfter}: ${
        move.standingNow === move.standingAfter
          ? `your standing stays ${move.standingAfter}`
          : `your standing goes from ${move.standingNow} to ${move.standingAfter}`}${
        move.capDrops ? `, and your order volume cap drops from ${move.capNow} to ${move.capAfter}` : ""}.`,
  },

  // SFCR panel
  sfcrHeading: "Seller-fault cancellation rate (SFCR)",
  sfcrRate: "Rate",
  sfcrTarget: "Target",
  sfcrStanding: "Standing",
  sfcrCap: "Order volume cap",
  sfcrWindow: "Window",
  sfcrCounted: "Counted",
  sfcrCounts: (faults: number, orders: number) =>
    `${n(faults, { one: "seller-fault cancellation", other: "seller-fault cancellations" })} of ${
      n(orders, { one: "order", other: "orders" })}`,
  standing: (code: string) => label(standings, code),
  windowDates: (from: string, to: string) => `${from} – ${to}`,

  // Errors: the page's sentence for each error code it knows; the API's English message for any other
  errorTitle: "Something went wrong",
  networkError: "The service cannot be reached. Check your connection and try again.",
  unexpected: "Unexpected answer from the service.",

  // Appeals of seller-fault cancellations (appeals.md)
  appeal: "Appeal",
  appealFor: (order: string) => `Appeal the seller-fault cancellation of order ${order}`,
  appealed: (order: string) => `Appeal for order ${order} sent: the support desk decides within 3 days.`,
  appealDialog: "Appeal a seller-fault cancellation",
  appealHint: "Say why this cancellation was not your fault. One appeal per cancellation; if it is overturned, it "
    + "no longer counts toward your seller-fault rate.",
  appealStatement: "Why it was not your fault",
  statementProblem: (problem: string, max: number) =>
    problem === "missing" ? "Say why it was not your fault." : `At most ${max} characters.`,
  appealState: (status: string) => label(appealStatuses, status),
  errors: {
    APPEAL_EXISTS: "This cancellation has been appealed already.",
    NOT_APPEALABLE: "Only a cancellation that counts toward your seller-fault rate can be appealed.",
    APPEAL_WINDOW_CLOSED: "The time to appeal this cancellation is over.",
    NETWORK: "The service cannot be reached. Check your connection and try again.",
    INVALID_FIELD: "Something in the request is not valid. Check what you entered and try again.",
    INVALID_LINE_ITEMS: "The items to cancel are not valid for this order any more. Reload and choose again.",
    PARTIAL_CANCEL_NOT_ALLOWED: "This reason cancels the whole order: some items alone cannot be cancelled for it.",
    REASON_NOT_ALLOWED: "That reason cannot be used for this order in its current status.",
    COMMENT_REQUIRED: "Add a comment for this reason.",
    INVALID_CURSOR: "The list changed. Reload the page to see it from the start.",
    TOKEN_MISSING: "You are not signed in. Sign in again.",
    TOKEN_INVALID: "The service does not accept this access token. Sign in again.",
    TOKEN_EXPIRED: "Your session has expired. Sign in again.",
    AUTH_NOT_CONFIGURED: "Sign-in is not set up on this service. Contact the platform.",
    ROLE_NOT_ALLOWED: "This account cannot use Seller Center. Sign in with a seller account.",
    FORBIDDEN: "The service refused this request.",
    ORDER_NOT_FOUND: "That order cannot be found in your shop.",
    CANCELLATION_NOT_FOUND: "That cancellation cannot be found in your shop.",
    ORDER_ALREADY_SHIPPED: "The order has shipped: it can no longer be cancelled.",
    ORDER_ALREADY_CANCELLED: "The order is already cancelled.",
    CANCELLATION_REQUEST_PENDING: "The buyer has asked to cancel this order: answer the request instead.",
    CANCELLATION_NOT_PENDING: "This request is no longer waiting for your answer.",
    CANCELLATION_NOT_AUTO_APPROVED: "This cancellation was not auto-approved.",
    RESPONSE_DEADLINE_PASSED: "The time to respond is over: the request is approved automatically.",
    OFFER_ALREADY_MADE: "You have already made your one offer on this request.",
    OFFER_OPEN: "Your offer is waiting for the buyer: you can answer the request once the buyer declines it or the time to answer passes.",
    OFFER_NOT_OPEN: "The offer is no longer waiting for the buyer.",
    INVALID_OFFER: "The offer was refused: check what you entered and try again.",
    INVALID_EVIDENCE: "A photo cannot be attached: remove it and choose it again.",
    EVIDENCE_REQUIRED: "This reason needs at least one photo: choose one to reject.",
    CONCURRENT_UPDATE: "The order changed while you acted. Try again.",
    TOO_MANY_REQUESTS: "Too many requests right now. Wait a moment and try again.",
    RATE_LIMITED: "Too many requests from your shop right now. Wait a moment and try again.",
    SERVICE_BUSY: "The service is busy. Wait a moment and try again.",
    INTERNAL_ERROR: "Something went wrong on our side. Try again later.",
  },
  dismiss: "Dismiss",
  lastUpdated: (time: string) => `Updated ${time}`,
};

export type Catalogue = typeof en;
export default en;
