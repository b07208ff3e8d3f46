"""`make test` hands the longest groups out first (tests/conftest.py): a renamed or removed module must not leave a
stale name behind, which would quietly send that group back to the end."""

from tests.conftest import LONGEST_FIRST
from tests.support.paths import ROOT


def test_every_group_named_longest_first_exists() -> None:
    assert [group for group in LONGEST_FIRST if not (ROOT / group).exists()] == []
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)
