"""The import contract type of pyproject.toml that import-linter lacks: `forbidden`, its forbidden modules named
by shell patterns over whole dotted names (`chalicelib.store.*models`). A module added later whose name
matches is forbidden with no edit of the contract: a new table's models file is covered the day it appears."""

from collections.abc import Iterable
from fnmatch import fnmatchcase

from grimp import ImportGraph
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.domain import fields
from importlinter.domain.contract import ContractCheck
from importlinter.domain.imports import ModuleExpression


def matching(patterns: Iterable[str], modules: Iterable[str]) -> set[str]:
    """The modules each pattern matches (`*` spans dots too). A pattern that matches none is an error: a typo
    would otherwise leave the contract checking nothing."""
    names = sorted(modules)
    found: set[str] = set()
    for pattern in patterns:
        hits = {name for name in names if fnmatchcase(name, pattern)}
        if not hits:
            raise ValueError(f"the forbidden pattern {pattern!r} matches no module")
        found |= hits
    return found


class ForbiddenMatchingContract(ForbiddenContract):
    """`type = "forbidden_matching"`: as `forbidden`, with `forbidden_modules` given as patterns."""

    type_name = "forbidden_matching"

    forbidden_modules = fields.SetField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        patterns: set[str] = self.forbidden_modules  # type: ignore[assignment]  # parsed by the field above
        # The parent reads its forbidden modules from this attribute: the patterns' matches, as its expressions.
        self.forbidden_modules = {ModuleExpression(name)  # type: ignore[assignment]
                                  for name in matching(patterns, graph.modules)}
        try:
            return super().check(graph, verbose)
        finally:
            self.forbidden_modules = patterns  # type: ignore[assignment]
