"""The evidence rules alone: types by their first bytes, and why a file may not be attached (docs/evidence.md, E3)."""

from datetime import UTC, datetime

import pytest

from chalicelib.domain import evidence
from chalicelib.domain.errors import InvalidRequest
from chalicelib.domain.evidence import ContentType, EvidenceFile, Problem, Stored
from chalicelib.domain.limits import MAX_EVIDENCE_BYTES

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0" + bytes(8)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(4)
WEBP = b"RIFF\x10\x00\x00\x00WEBP"


def _file(**fields: object) -> EvidenceFile:
    values: dict[str, object] = {"evidence_id": "evd_1", "seller_id": "S1", "content_type": ContentType.JPEG,
                                 "size": 100, "created_at": T0}
    return EvidenceFile(**{**values, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize("content_type, head, matches", [
    (ContentType.JPEG, JPEG, True), (ContentType.PNG, PNG, True), (ContentType.WEBP, WEBP, True),
    (ContentType.JPEG, PNG, False), (ContentType.PNG, JPEG, False),
    (ContentType.WEBP, b"RIFF\x10\x00\x00\x00WAVE", False),
    (ContentType.WEBP, b"RIFX\x10\x00\x00\x00WEBP", False), (ContentType.JPEG, b"\xff\xd8", False),
    (ContentType.PNG, b"", False),
])
def test_each_type_is_known_by_its_first_bytes(content_type, head, matches):
    assert evidence.has_signature(content_type, head) is matches
    assert evidence.HEAD_BYTES == 12


def test_problems_in_the_order_they_are_checked():
    good = Stored(size=100, head=JPEG)
    assert evidence.problem(_file(), "S1", good) is None
    assert evidence.problem(None, "S1", good) is Problem.NOT_UPLOADED
    # Another seller's file, even attached, reads as never uploaded.
    assert evidence.problem(_file(seller_id="S2", attached_to="cxl_1"), "S1", good) is Problem.NOT_UPLOADED
    assert evidence.problem(_file(attached_to="cxl_1"), "S1", good) is Problem.ALREADY_USED
    assert evidence.problem(_file(), "S1", None) is Problem.NOT_UPLOADED
    assert evidence.problem(_file(), "S1", Stored(size=101, head=JPEG)) is Problem.TOO_LARGE
    assert evidence.problem(_file(size=MAX_EVIDENCE_BYTES * 2), "S1",
                            Stored(size=MAX_EVIDENCE_BYTES + 1, head=JPEG)) is Problem.TOO_LARGE
    assert evidence.problem(_file(), "S1", Stored(size=100, head=PNG)) is Problem.WRONG_TYPE


def test_a_file_listed_twice_is_already_used_at_its_second_mention():
    evidence.ensure_distinct(["evd_1", "evd_2"])
    with pytest.raises(InvalidRequest) as refused:
        evidence.ensure_distinct(["evd_1", "evd_2", "evd_1"])
    assert (refused.value.code, refused.value.details) == (
        "INVALID_EVIDENCE", {"evidence_id": "evd_1", "problem": "ALREADY_USED"})


def test_reasons_that_need_files():
    assert evidence.evidence_required("PRODUCT_PACKED", 1) is None
    assert evidence.evidence_required("DELIVERY_ON_SCHEDULE", 0) is None
    refusal = evidence.evidence_required("AGREED_WITH_BUYER", 0)
    assert refusal is not None and (refusal.code, refusal.details) == ("EVIDENCE_REQUIRED",
                                                                       {"reason": "AGREED_WITH_BUYER"})


def test_keys_and_times():
    assert _file().key == "evidence/S1/evd_1"
    assert evidence.upload_expires_at(T0) == datetime(2026, 11, 23, 9, 15, tzinfo=UTC)
    assert evidence.record_expires_at(T0) == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
