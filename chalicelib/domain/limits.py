"""Every size limit of the contract, in one place: the request schemas, the domain's checks, the OpenAPI
document and the Seller Center page (through the API) read them from here, so none is written twice. Each is a
whole number, published by its name in lower case in the reason catalogue's `limits`."""

MAX_LINES = 100
"""Line items in one order, and so lines in one cancellation."""

MAX_QUANTITY = 10_000
"""Units of one line."""

MAX_AMOUNT = 10**15
"""A price or an amount, in minor units of its currency."""

MAX_COMMENT_LENGTH = 500
"""Characters of free text (a comment)."""

MAX_BULK_IDS = 50
"""Requests one bulk approve or reject answers."""

MAX_APPEAL_TEXT_LENGTH = 1000
"""Characters of an appeal's statement, and of an operator's note deciding it."""

MAX_EVIDENCE_FILES = 6
"""Evidence files one reject (or appeal) attaches."""

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
"""Bytes of one evidence file (5 MiB)."""

MAX_TICKET_LENGTH = 64
"""Characters of a support ticket's reference."""

MAX_PAGE_SIZE = 100
"""Items one page of a list holds (`limit`)."""

DEFAULT_PAGE_SIZE = 20
"""Items a page holds when `limit` is not given."""

MAX_AUTO_APPROVE_RULES = 20
"""Auto-approve rules in a seller's set."""

MAX_RULE_NAME_LENGTH = 80
"""Characters of an auto-approve rule's name."""

MAX_WEBHOOKS_PER_SELLER = 10
"""Webhooks one seller may have registered (webhooks.md, W2)."""

MAX_SHIP_BY_AHEAD_SECONDS = 5 * 24 * 60 * 60
"""How far ahead of now an offer's promised ship-by date may be (offers.md, OF2): 5 days."""
