"""The local runner's own pieces on plain files and values: the desk's save written whole or not at all, read back
or refused with one line naming LOCAL_DATA_DIR; the runner's variables parsed or refused the same way."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devtools import desk_data, local_settings
from devtools.demo import DemoShop, Example
from devtools.desk_data import DeskData, Saved
from devtools.local_settings import InvalidSetting

AT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
ITEM = {"order_id": {"S": "KEPT-1"}, "total": {"N": "150000"}, "items": {"L": [{"M": {"sku": {"S": "SKU-TEE"}}}]}}


def saved(order_id: str = "KEPT-1") -> Saved:
    shop = DemoShop(loaded_at=AT, orders={"UNPAID": "S1-1001"}, pending=["cxl_1"], deadlines={"S1-1001": AT},
                    examples=[Example("then", "GET", "/p", "seller", first=Example("first", "POST", "/q", "buyer",
                                                                                   {"reason": "CHANGED_MIND"}))])
    return Saved(saved_at=AT, tables={"cancel-desk-orders": [{**ITEM, "order_id": {"S": order_id}}]}, shop=shop,
                 receiver_port=45267)


def test_a_save_reads_back_as_it_was_written(tmp_path: Path) -> None:
    data = DeskData(tmp_path)
    assert data.load() is None  # nothing saved yet: a fresh start
    data.save(saved())
    assert data.load() == saved()
    assert [p.name for p in tmp_path.iterdir()] == [desk_data.FILE_NAME]


def test_a_save_cut_short_leaves_the_last_one_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = DeskData(tmp_path)
    data.save(saved("FIRST"))

    def crash(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError):
        data.save(saved("SECOND"))
    assert data.load() == saved("FIRST")
    assert [p.name for p in tmp_path.iterdir()] == [desk_data.FILE_NAME]  # no temporary file left behind


def test_a_temporary_file_a_hard_exit_left_is_cleared_on_load(tmp_path: Path) -> None:
    data = DeskData(tmp_path)
    data.save(saved())
    (tmp_path / f".{desk_data.FILE_NAME}.abc123").write_bytes(b'{"format": 1, "saved_')
    assert data.load() == saved()
    assert [p.name for p in tmp_path.iterdir()] == [desk_data.FILE_NAME]


def test_each_interval_saves_what_the_desk_holds_then_without_a_stop(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """LOCAL_SAVE_SECONDS' loop with its interval moved on by hand: an order recorded mid-run is on disk at the
    next interval, before any stop (a hard exit loses one interval at most). A save that fails (a full disk)
    does not end the loop: the next interval saves."""
    data = DeskData(tmp_path)
    orders = ["KEPT-1"]  # the tables as the run goes on
    on_disk: list[list[str] | None] = []
    asked: list[float] = []
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    def interval(seconds: float) -> bool:
        """Where the loop waits: what the save file holds now is noted, the run moves on, and the interval passes
        (False) until the fifth, which the stop ends (True)."""
        asked.append(seconds)
        found = DeskData(tmp_path).load()
        on_disk.append(None if found is None else [item["order_id"]["S"] for item in found.tables["orders"]])
        orders.append(f"KEPT-{len(asked) + 1}")
        monkeypatch.setattr(os, "fsync", full_disk if len(asked) == 2 else real_fsync)
        return len(asked) == 5

    def take() -> Saved:
        return Saved(saved_at=AT, tables={"orders": [{**ITEM, "order_id": {"S": o}} for o in orders]})

    data.save_at_intervals(30.0, take, interval)
    assert asked == [30.0] * 5
    assert on_disk == [None, ["KEPT-1", "KEPT-2"], ["KEPT-1", "KEPT-2"],  # the second save failed: the first stays
                       ["KEPT-1", "KEPT-2", "KEPT-3", "KEPT-4"], ["KEPT-1", "KEPT-2", "KEPT-3", "KEPT-4", "KEPT-5"]]
    assert data.saves == 3


@pytest.mark.parametrize(("written", "problem"), [
    (b'{"format": 1, "saved_at": "2026-', "cannot be read back"),
    (b'{"format": 99, "saved_at": "2026-12-07T09:30:00Z", "tables": {}}', "has format 99"),
])
def test_a_save_that_cannot_be_read_back_is_refused_with_a_way_out(tmp_path: Path, written: bytes,
                                                                   problem: str) -> None:
    (tmp_path / desk_data.FILE_NAME).write_bytes(written)
    with pytest.raises(InvalidSetting) as refused:
        DeskData(tmp_path).load()
    assert refused.value.name == "LOCAL_DATA_DIR" and problem in str(refused.value)
    assert "FRESH=1 make run" in str(refused.value)


def test_the_data_directory_is_made_or_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert desk_data.directory(str(tmp_path / "a" / "b")) == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir()
    monkeypatch.setattr(desk_data, "DEFAULT_DIRECTORY", tmp_path / "default")  # the checkout's, moved aside
    assert desk_data.directory("") == tmp_path / "default" and (tmp_path / "default").is_dir()
    (tmp_path / "file").write_text("")
    with pytest.raises(InvalidSetting, match=r"^LOCAL_DATA_DIR: cannot use"):
        desk_data.directory(str(tmp_path / "file"))


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("YES", True), ("", False),
                                               ("0", False), ("no", False)])
def test_a_flag_reads_yes_and_no(raw: str, expected: bool) -> None:
    assert local_settings.flag("FRESH", raw) is expected


def test_the_runners_variables_are_refused_with_their_name() -> None:
    with pytest.raises(InvalidSetting, match=r"^FRESH: 'maybe' is not"):
        local_settings.flag("FRESH", "maybe")
    assert local_settings.port("0") == 0 and local_settings.port("65535") == 65535
    for bad in ("-1", "65536", "80a"):
        with pytest.raises(InvalidSetting, match=r"^PORT: "):
            local_settings.port(bad)
    assert local_settings.positive_seconds("LOCAL_SAVE_SECONDS", "0.5") == 0.5
    for bad in ("0", "-2", "nan", "inf", "soon"):
        with pytest.raises(InvalidSetting, match=r"^LOCAL_SAVE_SECONDS: "):
            local_settings.positive_seconds("LOCAL_SAVE_SECONDS", bad)
