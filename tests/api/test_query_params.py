"""Unknown query parameters are refused on every route, the state-changing ones included, before anything acts.

The routes come from the registry: a route added later is covered without a line here.
"""

import pytest

from tests.support.desk import ROLE_ROUTES, Desk, assert_error


@pytest.mark.parametrize("spec", ROLE_ROUTES, ids=lambda spec: spec.name)
def test_an_unknown_query_parameter_is_refused_and_changes_nothing(desk: Desk, spec) -> None:
    prepared = desk.prepare(spec.name)
    separator = "&" if "?" in prepared.path else "?"
    with desk.writes() as written:
        response = desk.api.call(spec.method, f"{prepared.path}{separator}dry_run=1", prepared.token,
                                 body=prepared.body)
    error = assert_error(response, 400, "UNKNOWN_PARAMETER")
    assert "dry_run" not in error["details"]["allowed"]
    assert written == []
