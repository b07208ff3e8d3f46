"""The local stage's environment: the dev stage's values under whatever the shell set, and never a real account.

Precedence: a variable set in the environment wins over the dev stage's value in .chalice/config.json
(`chalice local` does the opposite, which is why the runner builds the server from `chalice.local` itself).
"""

import os

from devtools import botocore_loader, events_local, stage, webhooks_local

STAGE = "dev"
HOST = "127.0.0.1"

# Never reach a real account from the local stage, whatever the shell holds.
DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
STRAY_AWS = ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
             *(f"AWS_ENDPOINT_URL_{service}" for service in events_local.SERVICES))


def prepare_environment() -> None:
    """Dev-stage defaults under the environment, no stray endpoint, dummy credentials, one botocore loader."""
    botocore_loader.share()
    stage.apply(STAGE)
    os.environ.setdefault("WEBHOOK_RETRY_SCHEDULE_SECONDS", webhooks_local.LOCAL_RETRY_SCHEDULE)
    for name in STRAY_AWS:
        os.environ.pop(name, None)
    os.environ.update(DUMMY_AWS)
