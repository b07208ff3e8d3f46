// The public API's shapes under the names the page uses: aliases of the types generated from /openapi.json
// (src/generated/openapi.ts, written by `make page-types`; `make test` fails while it is stale). Never a shape of our own.
import type { components } from "./generated/openapi";

type Schemas = components["schemas"];

export type OrderStatus = Schemas["OrderStatus"];
export type CancellationStatus = Schemas["CancellationStatus"];
export type Actor = Schemas["Actor"];
export type AutoApproveCause = Schemas["AutoApproveCause"];
export type Money = Schemas["Money"];
export type RefundStatus = Schemas["RefundStatus"];

/** A line of an order (M1): `cancelled_quantity` of its `quantity` taken off by accepted cancellations. */
export type LineItem = Schemas["LineItemOut"];

/** An order as the seller's lists show it, with the server's handover verdict and warning. */
export type Order = Schemas["SellerListedOrderOut"];
/** Whether the parcel goes to logistics, and the warning's code with the data its sentence needs (V6). */
export type Handover = Schemas["HandoverOut"];
/** The order detail: its cancellations and history too. */
export type SellerOrder = Schemas["SellerOrderOut"];
export type Cancellation = Schemas["CancellationOut"];

export type OrderPage = Schemas["OrderPage"];
export type CancellationPage = Schemas["CancellationPage"];

export type ActionNeeded = Schemas["ActionNeededOut"];
export type Sfcr = Schemas["SfcrOut"];

export type ReasonCatalogue = Schemas["ReasonCatalogueOut"];
export type SellerCancelReason = Schemas["SellerCancelReasonOut"];
export type RejectReason = Schemas["RejectReasonOut"];
/** The contract's size limits, as the catalogue answers them. */
export type Limits = ReasonCatalogue["limits"];

/** POST /seller/orders/{id}/cancel-preview: what the cancel would do, changing nothing (T3, T4, M6). */
export type CancelPreview = Schemas["CancelPreviewOut"];

/** POST /seller/cancellations/bulk-approve: one result per id, in the order given (T1). */
export type BulkResult = Schemas["BulkItemOut"];

export type ApiErrorBody = Schemas["ErrorOut"];

/** The body of a cancel and, with the same fields, of its preview. */
export type CancelBody = Schemas["SellerCancelIn"];
export type SellerCancelCode = Schemas["SellerCancelReason"];
export type RejectCode = Schemas["RejectReason"];

/** The seller's one offer on a request (OF1, OF2), its kind and state, and the body that makes it. */
export type Offer = Schemas["OfferOut"];
export type OfferKind = Schemas["OfferKind"];
export type OfferStatus = Schemas["OfferStatus"];
export type OfferBody = Schemas["OfferIn"];

/** An evidence file on a cancellation (E6): `url`, a presigned GET valid 15 minutes, in the seller's answers. */
export type Evidence = Schemas["EvidenceOut"];
export type ContentType = Schemas["ContentType"];
/** POST /seller/evidence: the file's id and the presigned POST to upload it with (E1). */
export type EvidenceUpload = Schemas["EvidenceUploadOut"];
export type RejectBody = Schemas["RejectIn"];
/** A seller's appeal of a seller-fault cancellation (appeals.md, A1–A9), its status and the body that opens it. */
export type Appeal = Schemas["AppealOut"];
export type AppealStatus = Schemas["AppealStatus"];
export type AppealBody = Schemas["AppealIn"];
