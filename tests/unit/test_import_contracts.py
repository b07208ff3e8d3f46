"""The import contracts of pyproject.toml that name modules by pattern (devtools/import_contracts.py): a models
module added to the store is forbidden outside it with no edit, and a pattern matching nothing is an error."""

import tomllib
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter.configuration import configure
from importlinter.domain.contract import ContractCheck

from devtools.import_contracts import ForbiddenMatchingContract, matching
from tests.support.paths import ROOT


def _contract(contract_id: str) -> dict[str, Any]:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    found: dict[str, Any] = next(c for c in contracts["contracts"] if c["id"] == contract_id)
    return found


def test_the_tables_contract_forbids_every_models_module_of_the_store() -> None:
    store = ROOT / "chalicelib" / "store"
    modules = {f"chalicelib.store.{path.stem}" for path in store.glob("*.py")}
    models = {f"chalicelib.store.{path.stem}" for path in store.glob("*models.py")}
    assert {"chalicelib.store.models", "chalicelib.store.evidence_models", "chalicelib.store.appeal_models"} <= models
    assert matching(_contract("tables")["forbidden_modules"], modules) == models


def test_a_pattern_covers_a_module_added_later_and_one_matching_nothing_is_refused() -> None:
    known = ["shop.store.models", "shop.store.mapping", "shop.store.refund_models", "shop.api.models_page"]
    assert matching(["shop.store.*models"], known) == {"shop.store.models", "shop.store.refund_models"}
    with pytest.raises(ValueError, match="matches no module"):
        matching(["shop.stroe.*models"], known)


def _check(root: Path, monkeypatch: pytest.MonkeyPatch, forbidden: list[str]) -> ContractCheck:
    configure()  # import-linter's own settings (its timer), as `lint-imports` sets them
    monkeypatch.syspath_prepend(str(root))
    graph = grimp.build_graph("shop", cache_dir=None)
    contract = ForbiddenMatchingContract(name="tables", session_options={"root_packages": ["shop"]},
                                         contract_options={"source_modules": ["shop.api"],
                                                           "forbidden_modules": forbidden,
                                                           "allow_indirect_imports": "true"})
    return contract.check(graph, verbose=False)


def test_the_contract_is_broken_by_an_import_of_a_new_models_module(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for folder in ("shop", "shop/api", "shop/store"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "shop" / "store" / "models.py").write_text("")
    (tmp_path / "shop" / "store" / "refund_models.py").write_text("")
    (tmp_path / "shop" / "store" / "reads.py").write_text("from . import models\n")
    (tmp_path / "shop" / "api" / "views.py").write_text("from ..store import reads\n")
    assert _check(tmp_path, monkeypatch, ["shop.store.*models"]).kept

    (tmp_path / "shop" / "api" / "refunds.py").write_text("from ..store import refund_models\n")
    check = _check(tmp_path, monkeypatch, ["shop.store.*models"])
    assert not check.kept
    assert [chain["upstream_module"] for chain in check.metadata["invalid_chains"]] == ["shop.store.refund_models"]
