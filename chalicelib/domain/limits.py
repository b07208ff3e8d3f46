"""Every size limit of the contract, in one place: the request schemas, the domain's checks, the OpenAPI
document and the Seller Center page (through the API) read them from here, so none is written twice."""

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
