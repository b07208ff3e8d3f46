"""What each function loads at a cold start stays what tests/infra/cold_path.txt lists (scripts/cold_path.py).

Each Handler of the built template is imported by name from the unzipped package in a fresh interpreter; a
module of the package that joins the cold path, or leaves it, fails the test by name. Names only: the times
are the benchmark's (`python -m bench --only coldstart`).
"""

from pathlib import Path

import pytest

from scripts import cold_path


@pytest.fixture(scope="module")
def task(package: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cold_path.unzip(package, tmp_path_factory.mktemp("task"))


@pytest.fixture(scope="module")
def found(package: Path, task: Path) -> dict[str, list[str]]:
    return cold_path.measure(package, task)


def test_each_handler_loads_exactly_the_listed_modules(found: dict[str, list[str]]) -> None:
    changes = cold_path.differences(cold_path.parse(cold_path.LIST.read_text()), found)
    assert not changes, ("the cold path changed; if that is meant, rewrite the list with "
                         f"`{cold_path.WRITE}` and commit it:\n" + "\n".join(changes))


def test_the_handlers_other_than_the_api_load_neither_pynamodb_nor_the_api(found: dict[str, list[str]]) -> None:
    """Each function's own module defers its work to its first event: the authorizer needs its token check, the
    jobs, stream and webhook functions only Chalice's decorators until they run."""
    assert set(found) == {"app.app", "chalicelib.api.auth.jwt_authorizer",
                          "chalicelib.jobs.schedule.expire_cancellation_requests",
                          "chalicelib.events.stream.publish_events",
                          "chalicelib.webhooks.functions.fan_out_webhook_events",
                          "chalicelib.webhooks.functions.deliver_webhooks"}
    for handler, modules in found.items():
        if handler == "app.app":
            continue
        top = {m.split(".")[0] for m in modules}
        assert top <= {"chalice", "chalicelib", "msgspec"}, (handler, top)
        assert not [m for m in modules if m.startswith(("chalicelib.api.", "chalicelib.store", "chalicelib.service"))
                    and m != "chalicelib.api.auth"], handler


# What each route family's first request loads: the request pipeline, and the family's work and schemas.
FIRST_REQUEST = ("chalicelib.store", "chalicelib.service", "chalicelib.answers", "chalicelib.api.serving", "pynamodb",
                 "botocore")


def test_the_api_loads_only_the_route_declarations_at_a_cold_start(found: dict[str, list[str]]) -> None:
    """Chalice registers every route at import, so the route modules load; their work (each family's `*_views`),
    the request pipeline (`serving`), the service, the store, the answers, PynamoDB and botocore load with the
    first request that needs them."""
    api = found["app.app"]
    assert "chalicelib.api.seller" in api
    assert not [m for m in api if m.startswith(FIRST_REQUEST) or m.endswith("_views")]


def test_one_familys_views_load_no_other_familys(task: Path) -> None:
    """A cold start that serves requests of one route family never loads another family's work."""
    views = sorted(f"chalicelib.api.{path.stem}" for path in (task / "chalicelib" / "api").glob("*_views.py"))
    assert {"chalicelib.api.seller_views", "chalicelib.api.buyer_views", "chalicelib.api.webhook_views"} <= set(views)
    for family in views:
        modules = cold_path.loaded(task, "app.app", family)
        assert family in modules
        assert not [m for m in modules if m.endswith("_views") and m != family], family


def test_any_module_of_the_store_or_the_service_may_be_the_first_one_imported(task: Path) -> None:
    """Which of them a cold start imports first depends on its first request: none may need another to load
    before it (a circular import would answer that request with a 500)."""
    for layer in ("store", "service"):
        for path in sorted((task / "chalicelib" / layer).glob("*.py")):
            module = f"chalicelib.{layer}" + ("" if path.stem == "__init__" else f".{path.stem}")
            assert module in cold_path.loaded(task, "app.app", module)


def test_a_module_joining_or_leaving_is_named() -> None:
    listed = cold_path.parse("# comment\n\n[app.app]\napp\nchalice\n\n[x.y]\nchalice\n")
    assert listed == {"app.app": ["app", "chalice"], "x.y": ["chalice"]}
    assert cold_path.parse(cold_path.render(listed)) == listed
    assert cold_path.differences(listed, {"app.app": ["app", "chalice", "jwt"], "x.y": []}) == [
        "app.app: jwt joined the cold path (unlisted)", "x.y: chalice left the cold path (still listed)"]
    assert cold_path.differences(listed, {"app.app": ["app", "chalice"], "z.w": []}) == [
        "z.w: a Handler of the template with no section in the list", "x.y: a section for no Handler of the template"]
    with pytest.raises(ValueError, match="outside any"):
        cold_path.parse("app\n")
