"""The benchmark's process environment: a dev stage against moto or the stand-in DynamoDB, never AWS."""

import os

from devtools import moto_serial, stage


def prepare() -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                      AWS_SESSION_TOKEN="bench")
    stage.apply("dev")
    moto_serial.install()


def quiet_logs() -> None:
    """The app's JSON log lines still get formatted and written (that is part of each request's cost), but
    into /dev/null rather than over the tables."""
    import logging

    from chalicelib import obs

    for handler in obs.logger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the process
