"""`python -m bench.webhooks [--quick]`: webhook deliveries per second to receivers that answer after 100 ms, for
one seller and for many, and what one dead receiver (never answers: each attempt waits out its 10 s) costs the
others. Real HTTP on loopback, the functions Lambda runs (fan-out, then the delivery lane and the retry lane,
each pumped as Lambda's SQS event source would), moto in-process for SQS and DynamoDB.

`lanes` is how many delivery-lane invocations run at once (Lambda's concurrency on that queue); the retry lane
gets one. The clock is real: figures are wall time from an event put on the queue to its delivery received.
"""

import argparse
import statistics
import threading
import time
from typing import Any

from bench import env

env.prepare()

from moto import mock_aws  # noqa: E402

from chalicelib.domain.clock import utc_now  # noqa: E402
from chalicelib.domain.identity import Identity, Role  # noqa: E402
from chalicelib.service import webhooks as service  # noqa: E402
from chalicelib.store import models, transactions  # noqa: E402
from chalicelib.webhooks import queues  # noqa: E402
from devtools.webhook_pump import QueuePump  # noqa: E402
from devtools.webhook_receiver import Received, Receiver  # noqa: E402

RECEIVER_MS = 100


def _envelope(seller: str, n: int) -> dict[str, Any]:
    return {"id": f"evt_{seller}_{n}", "type": "cancellation.requested", "occurred_at": "2026-11-23T09:00:00Z",
            "seller_id": seller, "order_id": f"{seller}-{n}", "sequence": 2,
            "data": {"order": {"order_id": f"{seller}-{n}"}}}


def run(*, sellers: int, events: int, lanes: int, dead: str = "") -> dict[str, Any]:
    arrived: dict[str, float] = {}
    lock = threading.Lock()

    def healthy(received: Received) -> int:
        time.sleep(RECEIVER_MS / 1000)  # the receiver's own work: what the attempt waits for
        with lock:
            arrived[received.headers["webhook-id"]] = time.monotonic()
        return 200

    with mock_aws(), Receiver(respond=healthy) as good, Receiver(respond=lambda received: None) as bad:
        models.reset_connections()
        transactions.reset()
        queues.reset()
        models.create_tables()
        queues.create_queues()
        names = [f"S{n}" for n in range(sellers)]
        for name in names:
            service.create(Identity(f"u-{name}", Role.SELLER, seller_id=name), good.url + "/hook", ["*"], None,
                           utc_now())
        from app import app

        fan_out = QueuePump(queues.events_queue(), app.handler_map["fan_out_webhook_events"], "fan_out")
        deliver = app.handler_map["deliver_webhooks"]
        if dead:
            service.create(Identity("u-DEAD", Role.SELLER, seller_id="DEAD"), bad.url + "/hook", ["*"], None,
                           utc_now())
            if dead == "known":  # its first attempt has already timed out: the desk knows it does not answer
                queues.send_one(queues.events_queue(), {"source": "cancel-desk", "detail": _envelope("DEAD", -1)})
                fan_out.drain()
                QueuePump(queues.delivery_queue(), deliver, "deliver").drain()
        sent: dict[str, float] = {}
        for n in range(events):
            seller = names[n % sellers]
            event = _envelope(seller, n)
            sent[event["id"]] = time.monotonic()
            queues.send_one(queues.events_queue(), {"source": "cancel-desk", "detail": event})
            if dead and n % 10 == 0:
                queues.send_one(queues.events_queue(), {"source": "cancel-desk", "detail": _envelope("DEAD", n)})
        started = time.monotonic()
        pumps = [fan_out.start()]
        pumps += [QueuePump(queues.delivery_queue(), deliver, "deliver").start() for _ in range(lanes)]
        pumps.append(QueuePump(queues.retry_queue(), deliver, "deliver-retries").start())
        deadline = started + 120
        while time.monotonic() < deadline:
            with lock:
                if len(arrived) >= events:
                    break
            time.sleep(0.05)  # a benchmark's poll of its own receiver, not a test's wait for time
        for pump in pumps:
            pump.stop(15)
        latencies = sorted((arrived[k] - sent[k]) * 1000 for k in arrived if k in sent)
        elapsed = max(arrived.values()) - started if arrived else float("nan")
        models.reset_connections()
        transactions.reset()
        queues.reset()
    return {
        "sellers": sellers, "events": events, "lanes": lanes, "dead_receiver": dead or "none",
        "delivered": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1) if latencies else 0.0,
        "p50_ms": round(statistics.median(latencies)) if latencies else None,
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]) if latencies else None,
        "dead_attempts": len(bad.received),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    env.quiet_logs()
    events = 60 if args.quick else 300
    run(sellers=5, events=30, lanes=2)  # warm-up: imports, clients, first connections; not reported
    rows = [
        run(sellers=1, events=events, lanes=1),
        run(sellers=1, events=events, lanes=4),
        run(sellers=50, events=events, lanes=4),
        run(sellers=50, events=events, lanes=4, dead="known"),
        run(sellers=50, events=events, lanes=4, dead="new"),
    ]
    header = ["sellers", "events", "lanes", "dead_receiver", "delivered", "per_second", "p50_ms", "p99_ms",
              "dead_attempts"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in header) + " |")


if __name__ == "__main__":
    main()
