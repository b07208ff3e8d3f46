"""`python -m bench.webhook_latency [--requests N]`: commit → webhook received, through the local runner.

Each buyer request commits its change (and its event in the outbox) inside the API call; the event then takes
the runner's path: the events table's stream (pumped every 0.2 s, as Lambda polls it), the publisher, the bus,
the webhook rule's queue, fan-out and the delivery lane (polled every 0.1 s), to the built-in receiver. Measured
from the request's answer (the commit is done) to the receiver's arrival, one request at a time.
"""

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

from devtools.local_stage import LocalStage
from devtools.loopback_http import http
from devtools.order_bodies import order_body
from devtools.webhook_receiver import Received

WAIT = 15.0


def run(requests: int) -> list[float]:
    took: list[float] = []
    with LocalStage(port=0, schedule_seconds=3600, announce=lambda line: None) as stack:
        assert stack.webhooks is not None
        receiver = stack.webhooks.receiver
        placed = (datetime.now(UTC) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for n in range(requests):
            order_id = f"LAT-{n}"
            assert http(stack.base_url, "POST", "/platform/orders", stack.tokens["platform"],
                        order_body(order_id, seller_id="S1", placed_at=placed, paid_at=placed)).status == 201
            created = http(stack.base_url, "POST", f"/buyer/orders/{order_id}/cancellation-requests",
                           stack.tokens["buyer"], {"reason": "CHANGED_MIND"})
            committed = time.monotonic()
            assert created.status == 201, created.json

            def requested(received: Received, order_id: str = order_id) -> bool:
                return bool(received.event) and received.event.get("order_id") == order_id \
                    and received.event.get("type") == "cancellation.requested"

            got = receiver.wait_until(requested, WAIT)
            assert got is not None and got.verified, order_id
            took.append((got.at - committed) * 1000)
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    took = sorted(run(args.requests))
    p99 = took[min(len(took) - 1, round(0.99 * (len(took) - 1)))]
    print(f"commit -> webhook received, {len(took)} requests: median {statistics.median(took):.0f} ms, "
          f"p99 {p99:.0f} ms, min {took[0]:.0f} ms, max {took[-1]:.0f} ms")


if __name__ == "__main__":
    main()
