"""One attempt against real sockets on loopback: its one deadline (a receiver that trickles its answer, a
resolver that never answers), every checked address tried, and TLS verified against the URL's host name with
a certificate authority of the test's own (trusted, untrusted, wrong name)."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.webhooks import sender
from tests.support.certs import Authority
from tests.support.hooks import FAKE_DNS
from tests.support.raw_receivers import Drip, EndlessBody, RawReceiver, Trickle, answer_200

HOST = "hooks.tls.test"  # resolved from the test table to 127.0.0.1


@pytest.fixture
def named_loopback(monkeypatch) -> None:
    monkeypatch.setitem(FAKE_DNS, HOST, ["127.0.0.1"])


def test_a_receiver_that_trickles_its_answer_is_cut_at_the_attempts_deadline():
    """Each byte comes well within any per-read timeout; the answer as a whole would take 3 s."""
    trickle = Trickle(lasting=3.0)
    with RawReceiver(trickle) as receiver:
        reply = sender.post(f"http://127.0.0.1:{receiver.port}/hook", b"{}", {}, timeout=0.5)
    assert reply == sender.Reply(None, "timeout after 0.5s")
    assert 0 < trickle.sent < len(Trickle.ANSWER)  # it had started answering when it was cut


def _timed_post(behaviour, timeout: float) -> tuple[sender.Reply, float]:
    with RawReceiver(behaviour) as receiver:
        started = time.monotonic()
        reply = sender.post(f"http://127.0.0.1:{receiver.port}/hook", b"{}", {}, timeout=timeout)
        return reply, time.monotonic() - started


def test_an_endless_body_is_read_up_to_the_cap_and_the_answer_stands():
    """Read whole, the body would hold the attempt to its deadline (and past it: a read of a peer that keeps
    sending outlives the watchdog's shutdown); read up to 64 KiB, the attempt ends at once on the status."""
    endless = EndlessBody()
    reply, took = _timed_post(endless, timeout=3.0)
    assert reply == sender.Reply(200, None)
    assert took < 1.0
    assert endless.sent >= sender.MAX_READ


@pytest.mark.parametrize("head", [
    b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",  # the body drips
    b"HTTP/1.1 200 OK\r\nX-Slow: ",  # a header line drips
], ids=["body", "header"])
def test_an_answer_that_drips_without_end_is_a_timeout_at_the_deadline_not_a_success(head):
    """The status line said 200, but the answer was never whole: the deadline ends the attempt, and an answer
    cut short by it does not count as the receiver's."""
    drip = Drip(head)
    reply, took = _timed_post(drip, timeout=0.5)
    assert reply == sender.Reply(None, "timeout after 0.5s")
    assert 0.5 <= took < 1.0
    assert drip.sent > 0  # it was still sending when it was cut


def test_a_resolver_that_never_answers_ends_the_attempt_at_its_deadline(monkeypatch):
    never = threading.Event()

    def silent(host: str, port: int) -> list[str]:
        never.wait(30)  # a lookup that hangs (bounded, and released when the test ends)
        return []

    monkeypatch.setattr(sender, "RESOLVER", [silent])
    try:
        assert sender.post("https://silent.example.com/hook", b"{}", {}, timeout=0.3) == sender.Reply(
            None, "timeout after 0.3s")
    finally:
        never.set()


def test_every_checked_address_is_tried_in_turn(monkeypatch):
    """The first address refuses the connection; the second, the receiver, answers."""
    with RawReceiver(answer_200) as receiver:
        monkeypatch.setitem(FAKE_DNS, "two.example.com", ["::1", "127.0.0.1"])
        reply = sender.post(f"http://two.example.com:{receiver.port}/hook", b"{}", {})
    assert reply == sender.Reply(200, None)
    assert receiver.connections == 1


@pytest.fixture
def authority(tmp_path: Path, monkeypatch) -> Iterator[Authority]:
    """A certificate authority the sender trusts (OpenSSL's SSL_CERT_FILE) in place of the system's."""
    trusted = Authority("desk test CA")
    monkeypatch.setenv("SSL_CERT_FILE", str(trusted.write(tmp_path / "ca.pem")))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    yield trusted


def _post_over_tls(context, url_host: str = HOST) -> tuple[sender.Reply, RawReceiver]:
    with RawReceiver(answer_200, tls=context) as receiver:
        reply = sender.post(f"https://{url_host}:{receiver.port}/hook", b"{}", {}, timeout=5)
    return reply, receiver


def test_tls_with_a_trusted_certificate_for_the_urls_host_name_succeeds(named_loopback, authority, tmp_path):
    """Verified against the host name, not the pinned address the connection goes to."""
    reply, _ = _post_over_tls(authority.server_context(HOST, tmp_path))
    assert reply == sender.Reply(200, None)


def test_tls_with_a_certificate_from_an_untrusted_authority_is_refused(named_loopback, authority, tmp_path):
    stranger = Authority("someone else's CA")
    reply, receiver = _post_over_tls(stranger.server_context(HOST, tmp_path))
    assert reply.status is None and reply.error is not None and reply.error.startswith("TLS: ")
    assert "CERTIFICATE_VERIFY_FAILED" in reply.error
    assert receiver.handshake_errors  # no request was ever sent over it


def test_tls_with_a_trusted_certificate_for_another_name_is_refused(named_loopback, authority, tmp_path):
    reply, receiver = _post_over_tls(authority.server_context("other.tls.test", tmp_path))
    assert reply.status is None and reply.error is not None and "CERTIFICATE_VERIFY_FAILED" in reply.error
    assert receiver.handshake_errors
