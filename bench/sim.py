"""A virtual clock for the write model: simulated clients are threads, and exactly one of them runs at a time.

Each simulated thread (a fiber) runs real code until it waits: on a DynamoDB call (the model answers after
its service time), a sleep, a queue or another fiber. Waiting hands the baton to the fiber due next, and the
clock jumps to that instant. The model's time is therefore the service times on each client's path, never
this machine's CPU: 64 clients on 2 shared cores measure what 64 Lambda instances would. A run is
deterministic: fibers due at one instant run in the order they were scheduled.

`SimExecutor` and `SimQueue` stand in for `ThreadPoolExecutor` and `SimpleQueue` in code under test, so that
its waiting goes through the clock too.
"""

import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")


class Stalled(RuntimeError):
    """The simulation cannot go on: every fiber waits and nothing is due, or one blocked outside the clock."""


@dataclass(eq=False)
class Fiber:
    name: str
    label: str
    baton: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    done: bool = False
    waiters: list["Fiber"] = field(default_factory=list)


@dataclass(eq=False)
class _Slot:
    """An OS thread that runs fibers one after another (starting a thread per fiber costs ~0.5 ms)."""

    ready: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    job: tuple[Fiber, Callable[[], object]] | None = None


class Sim:
    """`with sim.running():` makes the calling thread the first fiber; `spawn` starts more."""

    def __init__(self, stall_seconds: float = 60.0) -> None:
        self.now = 0.0
        self._heap: list[tuple[float, int, Fiber]] = []
        self._order = itertools.count()
        self._local = threading.local()
        self._fibers: list[Fiber] = []  # spawned ones
        self._everyone: list[Fiber] = []  # and the main one, released all at once if the run fails
        self._stall_seconds = stall_seconds
        self._moved = time.monotonic()
        self._failure: BaseException | None = None
        self._idle: list[_Slot] = []
        self.errors: list[BaseException] = []  # raised inside fibers; re-raised when the run ends

    # --- who runs ---------------------------------------------------------------------------------------

    def current(self) -> Fiber | None:
        fiber: Fiber | None = getattr(self._local, "fiber", None)
        return fiber

    def label(self) -> str:
        fiber = self.current()
        return fiber.label if fiber else ""

    def _me(self) -> Fiber:
        fiber = self.current()
        if fiber is None:
            raise Stalled(f"thread {threading.current_thread().name} waits on the clock but is no simulated thread")
        return fiber

    @contextmanager
    def running(self, label: str = "main") -> Iterator[Fiber]:
        """The calling thread holds the baton; leaving waits, in virtual time, for every fiber started."""
        main = Fiber("main", label)
        self._everyone.append(main)
        self._local.fiber = main
        try:
            yield main
            while pending := [f for f in self._fibers if not f.done]:
                self.join(pending)
        finally:
            self._local.fiber = None
            for slot in self._idle:  # lets the idle threads end
                slot.job = None
                slot.ready.release()
            self._idle.clear()
        if self.errors:
            raise self.errors[0]

    # --- waiting ------------------------------------------------------------------------------------------

    def sleep(self, seconds: float) -> None:
        me = self._me()
        self._schedule(me, self.now + max(0.0, seconds))
        self._pass()
        self._wait(me)

    def block(self) -> None:
        """Waits until another fiber calls `wake` on this one."""
        me = self._me()
        self._pass()
        self._wait(me)

    def wake(self, fiber: Fiber) -> None:
        self._schedule(fiber, self.now)

    def join(self, fibers: Iterable[Fiber]) -> None:
        me = self._me()
        for fiber in list(fibers):
            while not fiber.done:
                fiber.waiters.append(me)
                self.block()

    def spawn(self, work: Callable[[], object], name: str = "fiber", label: str | None = None) -> Fiber:
        """Starts `work` in a new fiber, due now (it runs once the caller waits)."""
        fiber = Fiber(name, self.label() if label is None else label)
        self._fibers.append(fiber)
        self._everyone.append(fiber)
        slot = self._idle.pop() if self._idle else self._new_slot()
        slot.job = (fiber, work)
        slot.ready.release()
        self._schedule(fiber, self.now)
        return fiber

    def _new_slot(self) -> _Slot:
        slot = _Slot()
        threading.Thread(target=self._serve, args=(slot,), name="sim-fiber", daemon=True).start()
        return slot

    def _serve(self, slot: _Slot) -> None:
        while True:
            slot.ready.acquire()
            if slot.job is None:
                return
            fiber, work = slot.job
            self._body(fiber, work, slot)

    # --- the baton ----------------------------------------------------------------------------------------

    def _schedule(self, fiber: Fiber, at: float) -> None:
        heapq.heappush(self._heap, (at, next(self._order), fiber))

    def _pass(self) -> None:
        """Gives the baton to the fiber due next and moves the clock to its instant."""
        if self._failure is not None:
            return
        if not self._heap:
            self._fail(Stalled("every simulated thread is waiting and nothing is due"))
            return
        at, _, fiber = heapq.heappop(self._heap)
        self.now = max(self.now, at)
        self._moved = time.monotonic()
        fiber.baton.release()

    def _wait(self, me: Fiber) -> None:
        while not me.baton.acquire(timeout=1.0):
            if self._failure is None and time.monotonic() - self._moved > self._stall_seconds:
                self._fail(Stalled(f"no simulated thread moved for {self._stall_seconds:.0f} s: one is blocked "
                                   "outside the clock (a lock, queue or thread the model does not stand in for)"))
        if self._failure is not None:
            raise self._failure

    def _fail(self, failure: BaseException) -> None:
        self._failure = failure
        self.errors.append(failure)
        for fiber in self._everyone:
            fiber.baton.release()

    def _body(self, fiber: Fiber, work: Callable[[], object], slot: _Slot) -> None:
        self._local.fiber = fiber
        try:
            self._wait(fiber)
            work()
        except BaseException as error:  # kept and re-raised by `running`
            if error is not self._failure:
                self.errors.append(error)
        finally:
            fiber.done = True
            for waiter in fiber.waiters:
                self.wake(waiter)
            fiber.waiters.clear()
            self._idle.append(slot)  # while this thread still holds the baton: the next holder may reuse it
            self._pass()


class SimQueue:
    """`queue.SimpleQueue` whose `get` waits on the clock."""

    def __init__(self, sim: "Sim") -> None:
        self._sim = sim
        self._items: deque[Any] = deque()
        self._getters: deque[Fiber] = deque()

    def put(self, item: Any) -> None:
        self._items.append(item)
        if self._getters:
            self._sim.wake(self._getters.popleft())

    def get(self) -> Any:
        while not self._items:
            me = self._sim.current()
            assert me is not None
            self._getters.append(me)
            self._sim.block()
        return self._items.popleft()


class SimExecutor:
    """`ThreadPoolExecutor` whose workers are fibers: at most `max_workers` tasks run at once."""

    def __init__(self, sim: "Sim", max_workers: int, thread_name_prefix: str = "") -> None:
        self._sim = sim
        self._max = max(1, max_workers)
        self._prefix = thread_name_prefix or "pool"
        self._queue: deque[tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = deque()
        self._active = 0
        self._fibers: list[Fiber] = []

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> "Future[T]":
        future: Future[T] = Future()
        self._queue.append((future, fn, args, kwargs))
        self._start()
        return future

    def _start(self) -> None:
        while self._active < self._max and self._queue:
            job = self._queue.popleft()
            self._active += 1
            self._fibers.append(self._sim.spawn(lambda job=job: self._work(*job), name=self._prefix))  # type: ignore[misc]

    def _work(self, future: "Future[Any]", fn: Callable[..., Any], args: tuple[Any, ...],
              kwargs: dict[str, Any]) -> None:
        try:
            if future.set_running_or_notify_cancel():
                try:
                    result = fn(*args, **kwargs)
                except BaseException as error:  # handed to the future, as a pool does
                    future.set_exception(error)
                else:
                    future.set_result(result)
        finally:
            self._active -= 1
            self._start()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            while self._queue:
                self._queue.popleft()[0].cancel()
        if wait:
            self._sim.join(self._fibers)

    def __enter__(self) -> "SimExecutor":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.shutdown(wait=True)
