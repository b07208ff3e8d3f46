"""`python -m devtools.run_local` (what `make run` calls): the local stage (devtools/local_stage.py) in the
foreground, its banner printed, until Ctrl-C or SIGTERM; then it stops within `STOP_GRACE_SECONDS`, or exits
hard (devtools/stop_signals.py)."""

import contextlib
import logging
import os
import sys

from devtools import desk_data, local_settings
from devtools.local_settings import InvalidSetting
from devtools.local_stage import LocalStage, say
from devtools.stop_signals import STOP_GRACE_SECONDS, StopSignals, hard_exit, stop_within, threads_holding_the_exit

log = logging.getLogger("devtools.run_local")


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    signals = StopSignals()
    signals.install()
    try:
        # The desk is kept between runs (devtools/desk_data.py); FRESH=1 starts over with the demo.
        stage = LocalStage(rate_limit=True, data_dir=desk_data.directory(os.environ.get("LOCAL_DATA_DIR", "")),
                           fresh=local_settings.flag("FRESH", os.environ.get("FRESH", "")))
        stage.start()
    except InvalidSetting as error:
        print(f"Cannot start: {error}", file=sys.stderr, flush=True)
        return 2
    try:
        if not signals.received:  # a signal during start: stop at once
            say(stage.banner())
        signals.wait()
    finally:
        with contextlib.suppress(OSError):  # the terminal has gone: stop all the same
            say("\nStopping.")
        clean = stop_within(stage.stop, signals, STOP_GRACE_SECONDS)
    holding = threads_holding_the_exit()
    if not clean or holding:
        log.warning("did not stop cleanly within %gs (%s); exiting anyway", STOP_GRACE_SECONDS,
                    ", ".join(holding) or f"still stopping {stage.stopping or 'the stage'}")
        hard_exit(1)
    signals.close()
    # Not a normal interpreter exit: that joins, without a bound, thread pools and request threads a stop
    # that raced the schedule or a late request may have left behind. Nothing is left to save (the stop saved
    # the tables), so leave at once, with the output flushed.
    hard_exit(0)


if __name__ == "__main__":
    sys.exit(main())
