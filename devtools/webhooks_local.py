"""The webhooks in the local runner: moto's SQS queues (the events queue subscribed to the local bus, as the
stack's rule does), the webhook functions pumped as Lambda would run them, and a receiver on loopback that
verifies and prints every delivery. The demo seller has one webhook to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib import config
from chalicelib.domain.clock import utc_now
from chalicelib.domain.errors import InvalidRequest
from chalicelib.domain.limits import MAX_WEBHOOKS_PER_SELLER
from chalicelib.events.publisher import SOURCE
from chalicelib.service import webhooks as service
from chalicelib.webhooks import queues
from devtools import demo
from devtools.events_local import LocalEvents
from devtools.webhook_pump import QueuePump, pumps
from devtools.webhook_receiver import FAILING_PATH, Receiver
from devtools.webhook_receiver import HOST as RECEIVER_HOST

_POLICY_NAMES = "(WEBHOOK_ALLOW_HTTP, WEBHOOK_ALLOW_PRIVATE_NETWORKS)"
# Retries on a short schedule locally, so a failing receiver shows them within seconds.
LOCAL_RETRY_SCHEDULE = "1,2,3"


class LocalWebhooks:
    def __init__(self, announce: Callable[[str], None]) -> None:
        self.receiver = Receiver(announce=announce)
        self.pumps: list[QueuePump] = []
        self.webhook_id: str | None = None
        self.skipped: str | None = None  # why the demo webhook was left out, when it was

    def start(self, app: Any, with_demo: bool, events: LocalEvents, *,
              restored_port: int | None = None) -> LocalWebhooks:
        """`restored_port`: the data is an earlier run's, whose webhooks to the receiver point at that port."""
        queues.reset()
        # The events queue as the stack has it: a rule on the bus sends it every event of the desk.
        events.subscribe(config.settings().webhook_events_queue, {"source": [SOURCE]})
        queues.create_queues()  # the same URL for the queue just made; the delivery and retry queues
        self.receiver.start(restored_port or 0)
        if restored_port is not None:
            self._adopt(restored_port)
        elif with_demo:
            try:
                created = service.create(demo.SELLER, self.receiver.url + "/demo", ["*"], "the local receiver",
                                         utc_now())
            except InvalidRequest as refused:
                # The policy in force (say, the prod rules) forbids a loopback http receiver: start without it.
                self.skipped = f"the demo webhook is not registered: {refused.message} {_POLICY_NAMES}"
            else:
                self.webhook_id = created.webhook_id
                self.receiver.secrets.append(created.secret)
        self.pumps = [pump.start() for pump in pumps(app)]
        return self

    def _adopt(self, restored_port: int) -> None:
        """The restored demo seller's webhooks to the receiver: their secrets to verify with, the demo's id."""
        if self.receiver.port != restored_port:
            self.skipped = (f"the receiver's port {restored_port} was taken: the restored webhooks to it fail "
                            "until re-registered (or start afresh: FRESH=1 make run)")
        old_url = f"http://{RECEIVER_HOST}:{restored_port}"
        for webhook in service.webhooks(demo.SELLER, MAX_WEBHOOKS_PER_SELLER, None).items:
            if webhook.url.startswith(old_url + "/"):
                self.receiver.secrets += [webhook.secret, *([webhook.previous_secret] if webhook.previous_secret
                                                            else [])]
                if webhook.url == old_url + "/demo":
                    self.webhook_id = webhook.webhook_id

    def signal_stop(self) -> None:
        """Every pump told at once, so stopping waits for the slowest batch in hand, not for their sum."""
        for pump in self.pumps:
            pump.signal()

    def stop(self) -> None:
        self.signal_stop()
        for pump in self.pumps:
            pump.stop()
        self.receiver.stop()
        queues.reset()

    def banner(self, base_url: str) -> list[str]:
        token = f"${demo.TOKEN_VARIABLES['seller']}"
        lines = [f"  webhooks   receiver {self.receiver.url} verifies (standardwebhooks) and prints each delivery "
                 f"below; retries after {LOCAL_RETRY_SCHEDULE} s"]
        if self.skipped is not None:
            return [*lines, f"             {self.skipped}"]
        if self.webhook_id is None:
            return lines
        auth = f'-H "Authorization: Bearer {token}"'
        return [
            *lines,
            f"             {demo.SELLER_ID}'s webhook {self.webhook_id} takes every event. Ping it, and watch its log:",
            f"             curl -s -X POST {auth} {base_url}/seller/webhooks/{self.webhook_id}/test",
            f"             curl -s {auth} {base_url}/seller/webhooks/{self.webhook_id}/deliveries",
            "             A receiver that answers 500, to watch the retries:",
            f"             curl -s -X POST {auth} -H 'Content-Type: application/json' {base_url}/seller/webhooks "
            f"-d '{{\"url\":\"{self.receiver.url}{FAILING_PATH}\",\"event_types\":[\"*\"]}}'",
        ]
