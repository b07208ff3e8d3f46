"""`make test` hands the longest groups out first (tests/conftest.py): a renamed or removed module must not leave a
stale name behind, which would quietly send that group back to the end."""

from types import SimpleNamespace

import pytest

from tests import conftest
from tests.conftest import LONGEST_FIRST
from tests.support.paths import ROOT


def test_every_group_named_longest_first_exists() -> None:
    assert [group for group in LONGEST_FIRST if not (ROOT / group).exists()] == []
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)


class _Item:
    def __init__(self, path: str) -> None:
        self.path = ROOT / path
        self.nodeid = f"{path}::test"
        self.marks: list[pytest.Mark] = []

    def add_marker(self, mark: pytest.MarkDecorator) -> None:
        self.marks.append(mark.mark)


class _Config:
    def __init__(self, **option: object) -> None:
        self.option = SimpleNamespace(**option)


def test_a_worker_groups_by_module_and_hands_the_longest_out_first_before_xdist_names_the_groups() -> None:
    # What an xdist worker sees (xdist's setup_config): `dist` is "no" there, `loadgroup` says what was asked.
    items = [_Item(path) for path in ("tests/api/test_api_flows.py", "tests/browser/test_actions.py",
                                      "tests/browser/test_tools.py", LONGEST_FIRST[0])]
    conftest.pytest_collection_modifyitems(_Config(dist="no", loadgroup=True), items)  # type: ignore[arg-type]

    assert [item.path.relative_to(ROOT).as_posix() for item in items][:1] == [LONGEST_FIRST[0]]
    groups = {item.path.name: [mark.args[0] for mark in item.marks if mark.name == "xdist_group"] for item in items}
    assert groups["test_actions.py"] == groups["test_tools.py"] == ["tests/browser"]
    assert groups["test_api_flows.py"] == ["tests/api/test_api_flows.py"]
    # xdist's own hook turns the marks into the ids the controller schedules by: ours must run first.
    assert conftest.pytest_collection_modifyitems.pytest_impl["tryfirst"] is True  # type: ignore[attr-defined]


def test_a_run_without_xdist_keeps_its_order_and_marks_nothing() -> None:
    items = [_Item("tests/api/test_api_flows.py"), _Item(LONGEST_FIRST[0])]
    conftest.pytest_collection_modifyitems(_Config(dist="no"), items)  # type: ignore[arg-type]
    assert [item.marks for item in items] == [[], []]
    assert items[0].path.name == "test_api_flows.py"
