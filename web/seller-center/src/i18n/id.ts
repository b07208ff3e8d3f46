// The page in Bahasa Indonesia. Typed as English's catalogue: a key missing or extra here fails the type check.
import type { Countdown } from "../format";
import type { OfferField, OfferProblemKind } from "../offers";
import type { PhotoProblem } from "../photos";
import type { BandMove } from "../warnings";
import type { Actor, AppealStatus, AutoApproveCause, CancellationStatus, OfferKind, OrderStatus } from "../types";
import { counter, pick } from "../wording";
import type { Catalogue } from "./en";

// Indonesian has one plural form ("1 hari", "2 hari"): the rules still decide, so the forms stay data.
const n = counter("id");

const orderStatus: Record<OrderStatus, string> = {
  UNPAID: "Belum dibayar",
  AWAITING_SHIPMENT: "Perlu dikirim",
  AWAITING_COLLECTION: "Menunggu penjemputan",
  IN_TRANSIT: "Dalam pengiriman",
  DELIVERED: "Terkirim",
  COMPLETED: "Selesai",
  CANCELLED: "Dibatalkan",
};

const cancellationStatus: Record<CancellationStatus, string> = {
  REQUESTED: "Pembatalan diajukan",
  AUTO_APPROVED: "Pembatalan disetujui otomatis",
  APPROVED: "Pembatalan disetujui",
  REJECTED: "Pembatalan ditolak",
  WITHDRAWN: "Pengajuan ditarik",
  SELLER_CANCELLED: "Dibatalkan oleh Anda",
};

const causes: Record<AutoApproveCause, string> = {
  UNPAID_ORDER: "pesanan belum dibayar",
  WITHIN_GRACE_PERIOD: "diajukan dalam masa tenggang setelah pembayaran",
  SELLER_RESPONSE_TIMEOUT: "tidak ada tanggapan sebelum batas waktu",
  SELLER_RULE: "sesuai salah satu aturan persetujuan otomatis Anda",
  PROMISE_MISSED: "Anda tidak mengirim sebelum tanggal yang Anda janjikan",
};

const actors: Record<Actor, string> = {
  BUYER: "pembeli",
  SELLER: "Anda",
  SYSTEM: "platform",
  PLATFORM: "platform",
  OPERATOR: "tim dukungan",
};

const standings: Record<string, string> = {
  GOOD: "Baik",
  AT_RISK: "Berisiko",
  RESTRICTED: "Dibatasi",
  SUSPENDED: "Ditangguhkan",
};

const offerKinds: Record<OfferKind, string> = {
  PARTIAL_REFUND: "Pengembalian dana sebagian agar pesanan tetap berjalan",
  SHIP_BY: "Tanggal kirim yang Anda janjikan",
  KEEP_ORDER: "Pesan saja",
};

const offerFields: Record<OfferField, string> = {
  kind: "apa yang Anda tawarkan",
  message: "pesannya",
  amount: "jumlahnya",
  ship_by: "tanggal kirimnya",
};

const appealStatuses: Record<AppealStatus, string> = {
  OPEN: "Banding terkirim: tim dukungan yang memutuskan",
  UPHELD: "Banding ditolak: pembatalan tetap dihitung",
  OVERTURNED: "Banding diterima: pembatalan tidak lagi dihitung",
};

const label = pick;

const id: Catalogue = {
  locale: "id",
  // The retired ISO 639 code some systems still send for Indonesian.
  aliases: ["in"],
  languageName: "Bahasa Indonesia",
  languageLabel: "Bahasa",
  // Rupiah is written without sen: 150000 minor units is Rp1.500.
  wholeUnitCurrencies: ["IDR"],
  currencySpace: false,

  appName: "Seller Center",
  heading: "Kelola Pesanan",
  pageTitle: "Seller Center · Kelola Pesanan",

  // Sign-in
  signInHeading: "Masuk ke Seller Center",
  accessToken: "Token akses",
  accessTokenHint: "Tempel token akses penjual.",
  signIn: "Masuk",
  signInWithProvider: "Masuk dengan akun Anda",
  signInAs: (seller: string) => `Masuk sebagai ${seller}`,
  demoSellers: "Penjual demo (hanya lokal)",
  signOut: "Keluar",
  signedInAs: (seller: string) => `Masuk sebagai penjual ${seller}`,
  tokenEmpty: "Masukkan token akses.",
  tokenUnreadable: "Itu bukan token akses. Tempel seluruh token.",
  tokenExpired: "Sesi Anda telah berakhir. Silakan masuk lagi.",
  wrongRole: (role: string) =>
    `Token ini untuk akun ${role || "bukan penjual"}. Seller Center memerlukan token penjual.`,
  signInFailed: "Proses masuk tidak selesai. Coba lagi.",
  loading: "Memuat…",

  // Tabs
  tabsLabel: "Tab pesanan",
  tabs: {
    action_needed: "Perlu Tindakan",
    all: "Semua",
    unpaid: "Belum Dibayar",
    to_ship: "Perlu Dikirim",
    shipped: "Dikirim",
    completed: "Selesai",
    cancelled: "Dibatalkan",
  },

  // Action Needed
  cancellation: "Pembatalan",
  cancellationEntryHint: "Tampilkan pesanan ini di tab Semua",
  autoApproved: "Pembatalan disetujui otomatis",
  requested: "Pembatalan diajukan",
  view: "Lihat",
  viewAutoApproved: "Lihat pembatalan yang disetujui otomatis",
  viewRequested: "Lihat pengajuan pembatalan",
  respondInDays: (days: number) => `Anda punya waktu ${n(days, { other: "hari kalender" })} untuk menanggapi`,
  respondInHours: (hours: number) => `Anda punya waktu ${n(hours, { other: "jam" })} untuk menanggapi`,
  dueSoon: "Disetujui otomatis dalam 24 jam",
  awaitingBuyer: "Penawaran menunggu pembeli",
  requestsHeading: "Pengajuan pembatalan, yang paling mendesak lebih dulu",
  noRequests: "Tidak ada pengajuan pembatalan yang menunggu Anda.",

  // Filter and tables
  filterGroup: "Filter",
  filterHint: "Pesanan dengan pengajuan yang menunggu atau pembatalan otomatis yang belum Anda lihat",
  ordersCaption: (tab: string, filtered: boolean) => `Pesanan ${tab}${filtered ? ", filter Pembatalan aktif" : ""}`,
  columns: {
    order: "Pesanan",
    placed: "Dibuat",
    buyer: "Pembeli",
    total: "Total",
    status: "Status",
    deadline: "Tanggapi sebelum",
    actions: "Tindakan",
    reason: "Alasan",
    requested: "Diajukan",
  },
  noOrders: "Tidak ada pesanan di sini.",
  remaining: (money: string) => `${money} setelah barang dibatalkan`,
  cancelledItems: "Barang dibatalkan",
  lineCount: (sku: string, quantity: number) => `${sku} × ${quantity}`,
  loadMore: "Muat lebih banyak",
  orderStatus: (code: string) => label(orderStatus, code),
  cancellationStatus: (code: string) => label(cancellationStatus, code),
  countdown: (left: Countdown) => {
    if (left.overdue) return "Waktu tanggapan sudah habis";
    if (left.days > 0) return `Tanggapi dalam ${n(left.days, { other: "hari" })} ${left.hours} jam`;
    if (left.hours > 0) return `Tanggapi dalam ${left.hours} jam ${left.minutes} menit`;
    return `Tanggapi dalam ${Math.max(1, left.minutes)} menit`;
  },
  pendingRequest: "Pembeli ingin membatalkan",
  statusDetails: (order: string) => `Rincian pembatalan pesanan ${order}`,
  cancelledBy: (actor: string | null) => `Dibatalkan oleh ${label(actors, actor)}`,
  bySupport: (initiator: string, ticket: string) => initiator === "SELLER"
    ? `Dibatalkan oleh tim dukungan atas nama Anda (tiket ${ticket})`
    : `Diajukan oleh tim dukungan atas nama pembeli (tiket ${ticket})`,
  cancelledAt: "Waktu",
  reasonLabel: "Alasan",
  causeLabel: "Penyebab",
  cause: (code: string | null, status: string) =>
    code ? label(causes, code) : status === "SELLER_CANCELLED" ? "dibatalkan oleh Anda" : "disetujui oleh Anda",
  causeBySupport: "dibatalkan oleh tim dukungan atas nama Anda",
  refundLabel: "Pengembalian dana",
  refund: (status: string, money: string | null) => {
    if (status === "NOT_APPLICABLE" || money === null) return "Tidak ada: pesanan belum dibayar";
    if (status === "PENDING") return `${money}, menunggu sistem pembayaran`;
    if (status === "REFUNDED") return `${money}, sudah dikembalikan`;
    return "Tidak ada";
  },
  refundReference: (reference: string) => `Referensi ${reference}`,

  // Actions
  approve: "Setujui",
  reject: "Tolak",
  moreActions: "Tindakan Lain",
  cancel: "Batalkan",
  actionsFor: (order: string) => `Tindakan untuk pesanan ${order}`,
  approveFor: (order: string) => `Setujui pembatalan pesanan ${order}`,
  rejectFor: (order: string) => `Tolak pembatalan pesanan ${order}`,
  moreActionsFor: (order: string) => `Tindakan Lain untuk pesanan ${order}`,
  markSeen: "Tandai sudah dilihat",
  markSeenFor: (order: string) => `Tandai pembatalan otomatis pesanan ${order} sudah dilihat`,
  acknowledged: (order: string) => `Pembatalan otomatis pesanan ${order} ditandai sudah dilihat.`,
  approved: (order: string) => `Pembatalan pesanan ${order} disetujui: pesanan dibatalkan.`,
  rejected: (order: string) => `Pengajuan pembatalan pesanan ${order} ditolak: pesanan dilanjutkan.`,
  cancelled: (order: string) => `Pesanan ${order} dibatalkan.`,
  itemsCancelled: (order: string, lines: string) => `Barang pesanan ${order} dibatalkan: ${lines}.`,
  conflict: (order: string) =>
    `Pihak lain sudah menindaklanjuti pesanan ${order} lebih dulu; kini ditampilkan keadaan terbarunya.`,
  makeOffer: "Buat penawaran",
  makeOfferFor: (order: string) => `Buat penawaran agar pesanan ${order} tetap berjalan`,
  offerMade: (order: string) =>
    `Penawaran untuk pesanan ${order} terkirim: waktu tanggapan Anda berhenti sampai pembeli menjawab.`,

  // The offer on a request (OF1–OF8)
  offerKind: (kind: string) => label(offerKinds, kind),
  offerTerms: (kind: string, amount: string | null, shipBy: string | null) => {
    if (kind === "PARTIAL_REFUND" && amount) return `Penawaran Anda: ${amount} dikembalikan agar pesanan tetap berjalan`;
    if (kind === "SHIP_BY" && shipBy) return `Penawaran Anda: dikirim paling lambat ${shipBy}`;
    return "Penawaran Anda: pesan agar pesanan tetap berjalan";
  },
  offerState: (status: string, answerBy: string) => {
    if (status === "OPEN") return `Menunggu pembeli hingga ${answerBy}`;
    if (status === "ACCEPTED") return "Pembeli menerima penawaran Anda: pesanan tetap berjalan.";
    if (status === "DECLINED") return "Pembeli menolak penawaran Anda: tanggapi pengajuannya.";
    return "Pembeli tidak menjawab penawaran Anda tepat waktu: tanggapi pengajuannya.";
  },
  buyerDeadline: "Pembeli menjawab paling lambat",
  promisedShipBy: (at: string) => `Anda berjanji mengirim paling lambat ${at}`,

  // Selection and Approve selected
  selectRow: (order: string) => `Pilih pesanan ${order}`,
  selectAll: "Pilih semua pengajuan yang ditampilkan",
  selectColumn: "Pilih",
  bulkToolbar: "Pengajuan terpilih",
  selectedCount: (count: number) => `${n(count, { other: "pengajuan" })} dipilih`,
  approveSelected: "Setujui yang dipilih",
  bulkResults: "Hasil Setujui yang dipilih",
  bulkSummary: (approved: number, total: number) => `${approved} dari ${n(total, { other: "pengajuan" })} disetujui.`,
  bulkApproved: (order: string) => `Pesanan ${order}: disetujui, pesanan dibatalkan.`,
  bulkRefused: (order: string, message: string) => `Pesanan ${order}: tidak disetujui. ${message}`,
  rowRefused: (message: string) => `Tidak disetujui: ${message}`,

  // Dialogs
  cancelDialog: "Batalkan pesanan",
  cancelDialogOrder: (order: string) => `Pesanan ${order}`,
  cancellationReason: "Alasan pembatalan",
  chooseReason: "Pilih alasan",
  needsPhoto: " (perlu foto)",
  // Foto pada penolakan (E1, E3, E5)
  photos: "Foto",
  choosePhotos: "Pilih foto",
  dropPhotos: "atau letakkan di sini",
  photosHint: (max: number, megabytes: number) =>
    `JPEG, PNG, atau WebP: paling banyak ${n(max, { other: "foto" })}, masing-masing paling besar ${
      new Intl.NumberFormat("id").format(megabytes)} MB.`,
  photoNeeded: "Alasan ini memerlukan setidaknya satu foto: pilih foto untuk menolak.",
  chosenPhotos: "Foto yang dipilih",
  removePhoto: (name: string) => `Hapus ${name}`,
  uploadingPhoto: (name: string) => `Mengunggah ${name}`,
  photoUploaded: "Terunggah",
  photoRefused: (name: string, problem: PhotoProblem, max: number, megabytes: number) => {
    if (problem === "wrong_type") return `${name} bukan gambar JPEG, PNG, atau WebP.`;
    if (problem === "empty") return `${name} kosong.`;
    if (problem === "too_large") return `${name} lebih besar dari ${new Intl.NumberFormat("id").format(megabytes)} MB.`;
    return `${name} tidak ditambahkan: paling banyak ${n(max, { other: "foto" })}.`;
  },
  uploadRefused: (name: string, code: string) => {
    if (code === "NETWORK") return `${name} tidak dapat diunggah: periksa koneksi Anda, lalu coba lagi.`;
    if (code === "EntityTooLarge") return `${name} berubah sejak dipilih: hapus, lalu pilih lagi.`;
    return `Unggahan ${name} ditolak (${code}): coba lagi.`;
  },
  invalidEvidence: (name: string, problem: string) => {
    if (problem === "TOO_LARGE") return `${name} terlalu besar untuk dilampirkan: hapus, lalu pilih foto yang lebih kecil.`;
    if (problem === "WRONG_TYPE") return `${name} bukan gambar sesuai jenisnya: hapus, lalu pilih foto JPEG, PNG, atau WebP.`;
    if (problem === "ALREADY_USED") return `${name} sudah dilampirkan di tempat lain: hapus, lalu pilih lagi.`;
    return `${name} tidak sampai: hapus, lalu pilih lagi.`;
  },
  photoOf: (index: number, total: number) => `Foto ${index} dari ${total}`,
  rejectDialog: "Tolak pengajuan pembatalan",
  rejectionReason: "Alasan penolakan",
  comment: "Komentar (opsional)",
  commentHint: (max: number) => `Paling banyak ${max} karakter.`,
  confirm: "Konfirmasi",
  close: "Tutup",
  sfcrWarning:
    "Ini pembatalan karena kesalahan penjual: dihitung dalam tingkat pembatalan oleh penjual (SFCR) Anda.",
  noReasons: "Pesanan ini tidak dapat dibatalkan lagi.",
  sfcrMove: (now: string, after: string) => `Tingkat Anda: ${now} sekarang → ${after} setelah pembatalan ini.`,
  sfcrUnchanged: (now: string) =>
    `Tingkat Anda tetap ${now}: pesanan ini sudah dihitung, atau dibuat di luar periode.`,
  itemsToCancel: "Barang yang dibatalkan",
  itemsHint:
    "Stok habis: batalkan hanya yang tidak dapat Anda kirim. Semua barang tersisa membatalkan seluruh pesanan.",
  quantityToCancel: (sku: string, remaining: number) => `${sku}: jumlah yang dibatalkan, dari ${remaining}`,
  unitPrice: (money: string) => `${money} per barang`,
  quantityProblem: (sku: string, max: number) => `Masukkan bilangan bulat dari 0 sampai ${max} untuk ${sku}.`,
  nothingChosen: "Pilih setidaknya satu barang untuk dibatalkan.",
  refundPreview: (money: string) => `Pembeli menerima kembali ${money}.`,
  wholeOrderNote: "Ini membatalkan seluruh pesanan.",
  offerDialog: "Buat penawaran",
  offerHint: "Satu penawaran per pengajuan. Waktu tanggapan Anda berhenti sampai pembeli menerima atau menolaknya.",
  offerKindLegend: "Yang Anda tawarkan",
  offerMessage: "Pesan untuk pembeli",
  offerAmount: (currency: string) => `Jumlah yang dikembalikan (${currency})`,
  offerAmountHint: (max: string) => `Dari satuan terkecil hingga ${max}, sisa nilai pesanan.`,
  offerShipBy: "Kirim paling lambat",
  offerShipByHint: (zone: string, latest: string) => `Dalam waktu pasar (${zone}), paling lambat ${latest}.`,
  offerProblem: (field: string, problem: OfferProblemKind, max: number, days: number) => {
    if (field === "kind") return "Pilih apa yang Anda tawarkan.";
    if (problem === "missing") return `Isi ${label(offerFields, field)}.`;
    if (problem === "too_long") return `Pesan paling banyak ${n(max, { other: "karakter" })}.`;
    if (problem === "not_money") return "Tulis jumlahnya sebagai angka, misalnya 15000 atau 12,50.";
    if (problem === "out_of_range") return "Jumlahnya harus lebih dari nol dan paling banyak sisa nilai pesanan.";
    if (problem === "not_after_now") return "Tanggal kirim harus setelah saat ini.";
    return `Tanggal kirim paling lambat ${n(days, { other: "hari" })} dari sekarang.`;
  },
  invalidOffer: (field: string | null) =>
    `Penawaran ditolak: periksa ${field ? label(offerFields, field) : "isian Anda"} lalu coba lagi.`,

  // The API's warnings, worded from their codes
  handoverWarnings: {
    NO_HANDOVER: () => "Anda tidak perlu menyerahkan pesanan ini ke logistik.",
    PENDING_REQUEST: () =>
      "Pembeli mengajukan pembatalan pesanan ini: tanggapi pengajuannya sebelum menyerahkan pesanan ke logistik.",
    PARTLY_CANCELLED: (lines: string) => `Jangan kemas barang yang dibatalkan: ${lines}.`,
  },
  previewWarnings: {
    SFCR_BAND_WORSENS: (move: BandMove) =>
      `Pembatalan ini akan menaikkan tingkat pembatalan oleh penjual Anda dari ${move.rateNow} menjadi ${
        move.rateAfter}: ${
        move.standingNow === move.standingAfter
          ? `status akun Anda tetap ${label(standings, move.standingAfter)}`
          : `status akun Anda berubah dari ${label(standings, move.standingNow)} menjadi ${
            label(standings, move.standingAfter)}`}${
        move.capDrops ? `, dan batas volume pesanan Anda turun dari ${move.capNow} menjadi ${move.capAfter}` : ""}.`,
  },

  // SFCR panel
  sfcrHeading: "Tingkat pembatalan oleh penjual (SFCR)",
  sfcrRate: "Tingkat",
  sfcrTarget: "Target",
  sfcrStanding: "Status akun",
  sfcrCap: "Batas volume pesanan",
  sfcrWindow: "Periode",
  sfcrCounted: "Dihitung",
  sfcrCounts: (faults: number, orders: number) =>
    `${n(faults, { other: "pembatalan oleh penjual" })} dari ${n(orders, { other: "pesanan" })}`,
  standing: (code: string) => label(standings, code),
  windowDates: (from: string, to: string) => `${from} – ${to}`,

  // Errors
  errorTitle: "Terjadi kesalahan",
  networkError: "Layanan tidak dapat dihubungi. Periksa koneksi Anda lalu coba lagi.",
  unexpected: "Jawaban tak terduga dari layanan.",

  // Banding atas pembatalan karena kesalahan penjual (appeals.md)
  appeal: "Ajukan banding",
  appealFor: (order: string) => `Ajukan banding atas pembatalan karena kesalahan penjual untuk pesanan ${order}`,
  appealed: (order: string) => `Banding untuk pesanan ${order} terkirim: tim dukungan memutuskannya dalam 3 hari.`,
  appealDialog: "Ajukan banding atas pembatalan karena kesalahan penjual",
  appealHint: "Jelaskan mengapa pembatalan ini bukan kesalahan Anda. Satu banding per pembatalan; jika dikabulkan, "
    + "pembatalan ini tidak lagi dihitung dalam tingkat pembatalan karena kesalahan penjual Anda.",
  appealStatement: "Mengapa ini bukan kesalahan Anda",
  statementProblem: (problem: string, max: number) =>
    problem === "missing" ? "Jelaskan mengapa ini bukan kesalahan Anda." : `Paling banyak ${max} karakter.`,
  appealState: (status: string) => label(appealStatuses, status),
  errors: {
    APPEAL_EXISTS: "Pembatalan ini sudah diajukan banding.",
    NOT_APPEALABLE: "Hanya pembatalan yang dihitung dalam tingkat pembatalan karena kesalahan penjual yang dapat diajukan banding.",
    APPEAL_WINDOW_CLOSED: "Batas waktu untuk mengajukan banding atas pembatalan ini sudah lewat.",
    NETWORK: "Layanan tidak dapat dihubungi. Periksa koneksi Anda lalu coba lagi.",
    INVALID_FIELD: "Ada isian yang tidak valid. Periksa yang Anda masukkan lalu coba lagi.",
    INVALID_LINE_ITEMS: "Barang yang dibatalkan tidak lagi sesuai dengan pesanan ini. Muat ulang lalu pilih lagi.",
    PARTIAL_CANCEL_NOT_ALLOWED: "Alasan ini membatalkan seluruh pesanan: tidak bisa hanya sebagian barang.",
    REASON_NOT_ALLOWED: "Alasan itu tidak dapat dipakai untuk pesanan ini dalam statusnya sekarang.",
    COMMENT_REQUIRED: "Tambahkan komentar untuk alasan ini.",
    INVALID_CURSOR: "Daftar sudah berubah. Muat ulang halaman untuk melihatnya dari awal.",
    TOKEN_MISSING: "Anda belum masuk. Silakan masuk lagi.",
    TOKEN_INVALID: "Layanan tidak menerima token akses ini. Silakan masuk lagi.",
    TOKEN_EXPIRED: "Sesi Anda telah berakhir. Silakan masuk lagi.",
    AUTH_NOT_CONFIGURED: "Proses masuk belum disiapkan di layanan ini. Hubungi platform.",
    ROLE_NOT_ALLOWED: "Akun ini tidak dapat memakai Seller Center. Masuk dengan akun penjual.",
    FORBIDDEN: "Layanan menolak permintaan ini.",
    ORDER_NOT_FOUND: "Pesanan itu tidak ditemukan di toko Anda.",
    CANCELLATION_NOT_FOUND: "Pembatalan itu tidak ditemukan di toko Anda.",
    ORDER_ALREADY_SHIPPED: "Pesanan sudah dikirim: tidak dapat dibatalkan lagi.",
    ORDER_ALREADY_CANCELLED: "Pesanan sudah dibatalkan.",
    CANCELLATION_REQUEST_PENDING: "Pembeli sudah mengajukan pembatalan pesanan ini: tanggapi pengajuannya.",
    CANCELLATION_NOT_PENDING: "Pengajuan ini tidak lagi menunggu tanggapan Anda.",
    CANCELLATION_NOT_AUTO_APPROVED: "Pembatalan ini tidak disetujui otomatis.",
    RESPONSE_DEADLINE_PASSED: "Waktu tanggapan sudah habis: pengajuan disetujui otomatis.",
    OFFER_ALREADY_MADE: "Anda sudah membuat satu-satunya penawaran untuk pengajuan ini.",
    OFFER_OPEN:
      "Penawaran Anda sedang menunggu pembeli: Anda dapat menanggapi pengajuan setelah pembeli menolaknya atau waktunya habis.",
    OFFER_NOT_OPEN: "Penawaran ini tidak lagi menunggu pembeli.",
    INVALID_OFFER: "Penawaran ditolak: periksa isian Anda lalu coba lagi.",
    INVALID_EVIDENCE: "Sebuah foto tidak dapat dilampirkan: hapus, lalu pilih lagi.",
    EVIDENCE_REQUIRED: "Alasan ini memerlukan setidaknya satu foto: pilih foto untuk menolak.",
    CONCURRENT_UPDATE: "Pesanan berubah saat Anda bertindak. Coba lagi.",
    TOO_MANY_REQUESTS: "Terlalu banyak permintaan saat ini. Tunggu sebentar lalu coba lagi.",
    RATE_LIMITED: "Terlalu banyak permintaan dari toko Anda saat ini. Tunggu sebentar lalu coba lagi.",
    SERVICE_BUSY: "Layanan sedang sibuk. Tunggu sebentar lalu coba lagi.",
    INTERNAL_ERROR: "Terjadi kesalahan di pihak kami. Coba lagi nanti.",
  },
  dismiss: "Tutup pesan",
  lastUpdated: (time: string) => `Diperbarui ${time}`,
};

export default id;
