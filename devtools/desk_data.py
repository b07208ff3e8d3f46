"""The local desk kept between runs: the embedded tables and the evidence bucket's files saved to one file under the
data directory (on stop and every `LOCAL_SAVE_SECONDS`), and put back before the pumps start on the next run.

The file is written whole to a temporary name and renamed over the last one, so a crash mid-save leaves the
previous save: at most the last interval is lost. What was in flight at the stop (a webhook retry waiting in its
queue, an event not yet on the bus) is not kept: the queues and the bus start empty, and the stream is read from
after the restored items, so nothing is sent twice.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import msgspec

from devtools.demo import DemoShop
from devtools.embedded_dynamodb import StoredObject, Tables
from devtools.local_settings import InvalidSetting
from devtools.stage import ROOT

DEFAULT_DIRECTORY = ROOT / ".local-data"
FILE_NAME = "desk.json"
SAVE_SECONDS = 10.0  # LOCAL_SAVE_SECONDS' default: what a crash may lose
FORMAT = 1  # bumped when the file's layout changes; an older file is refused with a way out

log = logging.getLogger("devtools.desk_data")


class Saved(msgspec.Struct, kw_only=True):
    format: int = FORMAT
    saved_at: datetime
    tables: Tables
    objects: list[StoredObject] = msgspec.field(default_factory=list)  # the evidence bucket's files
    shop: DemoShop | None = None  # the demo as loaded, for the banner's stories and lines
    receiver_port: int | None = None  # where the restored webhooks to the local receiver point


def directory(raw: str) -> Path:
    """LOCAL_DATA_DIR (empty: .local-data in the checkout), made if missing."""
    path = Path(raw).expanduser() if raw else DEFAULT_DIRECTORY
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidSetting("LOCAL_DATA_DIR", f"cannot use {str(path)!r} ({error.strerror or error})") from None
    if not os.access(path, os.W_OK):
        raise InvalidSetting("LOCAL_DATA_DIR", f"{str(path)!r} is not writable")
    return path


class DeskData:
    def __init__(self, where: Path) -> None:
        self.path = where / FILE_NAME
        self.saves = 0
        self.interval = SAVE_SECONDS
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._write = threading.Lock()  # the interval's save and the stop's never interleave

    def load(self) -> Saved | None:
        """The last save, or None when there is none yet."""
        for left in self.path.parent.glob(f".{FILE_NAME}.*"):  # a save a hard exit cut short: never renamed
            with contextlib.suppress(OSError):
                left.unlink()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise InvalidSetting("LOCAL_DATA_DIR", f"cannot read {self.path} ({error.strerror or error})") from None
        try:
            saved = msgspec.json.decode(raw, type=Saved)
        except msgspec.DecodeError as error:
            raise InvalidSetting("LOCAL_DATA_DIR", f"{self.path} cannot be read back ({error}); start afresh with "
                                 "FRESH=1 make run") from None
        if saved.format != FORMAT:
            raise InvalidSetting("LOCAL_DATA_DIR", f"{self.path} has format {saved.format}, this version reads "
                                 f"{FORMAT}; start afresh with FRESH=1 make run")
        return saved

    def save(self, saved: Saved) -> None:
        """Writes a temporary file beside the last save, then renames it over: the old one or the new, whole."""
        body = msgspec.json.encode(saved)
        with self._write:
            handle, temporary = tempfile.mkstemp(prefix=f".{FILE_NAME}.", dir=self.path.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(body)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            self.saves += 1

    def save_every(self, seconds: float, take: Callable[[], Saved]) -> None:
        """Saves `take()` every `seconds` from a daemon thread until `stop()`."""
        self.interval = seconds
        self._thread = threading.Thread(target=self.save_at_intervals, args=(seconds, take, self._stop.wait),
                                        name="local-save", daemon=True)
        self._thread.start()

    def save_at_intervals(self, seconds: float, take: Callable[[], Saved], wait: Callable[[float], bool]) -> None:
        """The interval's loop: `wait(seconds)` says True once the stop has come, False when the interval has
        passed, and then what `take()` gives now is saved. (A test moves the interval on by hand.)"""
        while not wait(seconds):
            try:
                self.save(take())
            except Exception:  # a full disk must not stop the desk; the next interval and the stop's save try again
                log.exception("could not save %s", self.path)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

