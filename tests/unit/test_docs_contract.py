"""docs/ holds the contract, and it stays true to the code.

Every table in docs/ with a "proven by" column names tests, and with an "enforced by" or "raised by" column
names functions: each must exist. Every labelled rule has a row. Every error code the code can raise is in
api.md's table, and the table lists no code the code never raises. Every relative link in README.md and
docs/ reaches a file (and anchor) of the repository, and nothing points at the product brief outside it,
which a clone does not have.

What the code holds is in the docs, and nothing more: every module of chalicelib/ and devtools/ has its line in
architecture.md's tree, every table (from the PynamoDB models) its row in architecture.md's and the README's
tables, every table-name variable its mention in both, every test file its name in the README's Tests table,
and the layers of the import contract (pyproject.toml) are the ones architecture.md shows. A failure says which
line is missing and where it goes. Counts that rot (how many tests, how many minutes) stay out of the README.
"""

import ast
import importlib
import inspect
import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from tests.support.paths import ROOT

DOCS = ROOT / "docs"
API_PAGE = DOCS / "api.md"
ARCHITECTURE = DOCS / "architecture.md"
README = ROOT / "README.md"
# Trees whose every module has its line in architecture.md's "Shape".
MODULE_TREES = ("chalicelib", "devtools")
# Where a link to the brief outside the clone would be dead.
SCANNED = ("README.md", "docs", "chalicelib", "devtools", "infra", "bench", "loadtest", "scripts")
OUTSIDE = ("shared/spec", "../shared")
# Tooling that reads the brief on purpose, by path from the repository root; there is none.
EXEMPT: frozenset[str] = frozenset()

FUNCTION_COLUMNS = ("enforced by", "raised by")
TEST_COLUMN = "proven by"
ANCHOR = re.compile(r'<a id="rule-([A-Za-z0-9]+)"></a>')
CODE = re.compile(r"[A-Z][A-Z0-9_]*[A-Z0-9]")
LINK = re.compile(r"\]\(([^)\s]+)\)")


# --- reading the markdown -------------------------------------------------------------------------------------


class Table(msgspec.Struct, frozen=True):
    page: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def column(self, name: str) -> list[str]:
        index = self.header.index(name)
        return [row[index] if index < len(row) else "" for row in self.rows]


def _cells(line: str) -> tuple[str, ...]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    return tuple(cell.strip() for cell in re.split(r"(?<!\\)\|", inner))


def tables(path: Path) -> list[Table]:
    """The pipe tables of a page, outside code fences; the header lower-cased."""
    found: list[Table] = []
    block: list[str] = []
    fenced = False
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.lstrip().startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2:
            header = tuple(cell.lower() for cell in _cells(block[0]))
            found.append(Table(path.name, header, tuple(_cells(row) for row in block[2:])))
        block = []
    return found


def refs(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def doc_pages(docs: Path = DOCS) -> list[Path]:
    return sorted(docs.glob("*.md"))


def named_functions(pages: Iterable[Path]) -> list[tuple[str, str]]:
    return [(table.page, ref) for page in pages for table in tables(page) for column in FUNCTION_COLUMNS
            if column in table.header for cell in table.column(column) for ref in refs(cell)]


def named_tests(pages: Iterable[Path]) -> list[tuple[str, str]]:
    return [(table.page, ref) for page in pages for table in tables(page) if TEST_COLUMN in table.header
            for cell in table.column(TEST_COLUMN) for ref in refs(cell)]


# --- checking what the markdown names --------------------------------------------------------------------------


def resolves(dotted: str) -> bool:
    """A module, then attributes of it: `chalicelib.domain.policy.Policy.band_for`."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return not inspect.ismodule(target)
    return False


def is_defined_test(node_id: str, root: Path = ROOT) -> bool:
    """`tests/x/test_y.py::test_z` or `::TestK::test_m`, parameters in brackets allowed, names a test pytest
    collects from that file."""
    file, _, rest = node_id.partition("::")
    path = root / file
    if not (file.startswith("tests/") and path.name.startswith("test_") and path.is_file() and rest):
        return False
    names = re.sub(r"\[.*\]$", "", rest).split("::")
    if not names[-1].startswith("test"):
        return False
    scope: list[ast.stmt] = ast.parse(path.read_text(encoding="utf-8")).body
    for depth, name in enumerate(names):
        node = next((n for n in scope if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                     and n.name == name), None)
        if node is None:
            return False
        if depth == len(names) - 1:
            return not isinstance(node, ast.ClassDef)
        if not isinstance(node, ast.ClassDef):
            return False
        scope = node.body
    return False


def rule_problems(page: Path) -> list[str]:
    """Every rule anchored on the page has one row in a `rule` table there, and every row a rule."""
    anchors = ANCHOR.findall(page.read_text(encoding="utf-8"))
    rows = [re.sub(r"^\[([^\]]+)\].*$", r"\1", cell) for table in tables(page) if "rule" in table.header
            and "enforced by" in table.header for cell in table.column("rule")]
    problems = [f"{page.name}: rule {label} is labelled twice" for label in sorted(set(anchors))
                if anchors.count(label) > 1]
    problems += [f"{page.name}: rule {label} has no row" for label in anchors if label not in rows]
    problems += [f"{page.name}: row {label} names no rule on the page" for label in rows if label not in anchors]
    problems += [f"{page.name}: rule {label} has {rows.count(label)} rows" for label in sorted(set(rows))
                 if rows.count(label) > 1]
    return problems


def outside_references(root: Path = ROOT, entries: Iterable[str] = SCANNED) -> list[str]:
    hits: list[str] = []
    for entry in entries:
        start = root / entry
        files = [start] if start.is_file() else sorted(p for p in start.rglob("*") if p.is_file())
        for file in files:
            relative = file.relative_to(root).as_posix()
            if "__pycache__" in file.parts or relative in EXEMPT:
                continue
            try:
                text = file.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            hits += [f"{relative}:{number}: {line.strip()}" for number, line in enumerate(text.splitlines(), 1)
                     if any(marker in line for marker in OUTSIDE)]
    return hits


def _anchors(page: Path) -> set[str]:
    """Explicit `<a id>` anchors and the slugs GitHub gives headings."""
    text = page.read_text(encoding="utf-8")
    headings = re.findall(r"^#+\s+(.+?)\s*$", re.sub(r"```.*?```", "", text, flags=re.S), flags=re.M)
    return set(re.findall(r'<a id="([^"]+)"></a>', text)) | {
        re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def dead_links(pages: Iterable[Path], root: Path = ROOT) -> list[str]:
    dead: list[str] = []
    for page in pages:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            inside = linked.is_relative_to(root.resolve()) and linked.exists()
            if not inside or (anchor and linked.suffix == ".md" and anchor not in _anchors(linked)):
                dead.append(f"{page.relative_to(root).as_posix()}: {target}")
    return dead


# --- the error codes the code can raise ------------------------------------------------------------------------


class Factory(msgspec.Struct, frozen=True):
    """A callable that takes an error `code`: where it sits among positional arguments, and its default."""

    position: int | None
    default: str | None


def chalicelib_trees() -> dict[str, ast.Module]:
    return {path.relative_to(ROOT).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted((ROOT / "chalicelib").rglob("*.py"))}


def _code_parameter(function: ast.FunctionDef) -> tuple[bool, int | None]:
    positional = [arg.arg for arg in function.args.posonlyargs + function.args.args]
    if "code" in positional:
        return True, positional.index("code")
    return any(arg.arg == "code" for arg in function.args.kwonlyargs), None


def _is_code_target(node: ast.stmt) -> bool:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return any(isinstance(target, ast.Name) and target.id == "code" for target in targets)


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def factories(trees: Iterable[ast.Module]) -> dict[str, Factory]:
    """Every function, and every class whose `__init__` (its own or inherited), has a parameter `code`."""
    found: dict[str, Factory] = {}
    classes: dict[str, ast.ClassDef] = {}
    for tree in trees:
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and _code_parameter(node)[0]:
                found[node.name] = Factory(_code_parameter(node)[1], None)
            elif isinstance(node, ast.ClassDef):
                classes[node.name] = node

    def lineage(name: str) -> Iterator[ast.ClassDef]:
        while name in classes:
            yield classes[name]
            bases = [base.id for base in classes[name].bases if isinstance(base, ast.Name)]
            name = bases[0] if bases else ""

    for name in classes:
        init = next((f for c in lineage(name) for f in c.body if isinstance(f, ast.FunctionDef)
                     and f.name == "__init__"), None)
        if init is None or not _code_parameter(init)[0]:
            continue
        position = _code_parameter(init)[1]
        default = next((_string(s.value) for c in lineage(name) for s in c.body
                        if isinstance(s, ast.Assign | ast.AnnAssign) and _is_code_target(s) and _string(s.value)), None)
        found[name] = Factory(None if position is None else position - 1, default)  # less `self`
    return found


def raised_codes(trees: Iterable[ast.Module]) -> set[str]:
    """Codes given to an error factory, or its default when none is given; codes assigned to a variable `code`
    inside a function; and codes in the `*_ERRORS` tables of framework and gateway answers."""
    trees = list(trees)
    known = factories(trees)
    codes: set[str] = set()
    for tree in trees:
        class_level = {id(s) for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for s in c.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                callee = node.func.id if isinstance(node.func, ast.Name) else (
                    node.func.attr if isinstance(node.func, ast.Attribute) else "")
                factory = known.get(callee)
                if factory is None:
                    continue
                given = next((k.value for k in node.keywords if k.arg == "code"), None)
                if given is None and factory.position is not None and len(node.args) > factory.position:
                    given = node.args[factory.position]
                if given is None or (isinstance(given, ast.Constant) and given.value is None):
                    codes.update({factory.default} if factory.default else set())
                elif _string(given):
                    codes.add(str(_string(given)))
            elif isinstance(node, ast.Assign | ast.AnnAssign) and id(node) not in class_level \
                    and _is_code_target(node) and _string(node.value):
                codes.add(str(_string(node.value)))
            elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id.endswith("_ERRORS") for t in targets):
                    codes.update(text for value in node.value.values if isinstance(value, ast.Tuple)
                                 for element in value.elts if (text := _string(element)) and CODE.fullmatch(text))
    return codes


def documented_codes(page: Path = API_PAGE) -> list[str]:
    return [code for table in tables(page) if {"code", "raised by"} <= set(table.header)
            for cell in table.column("code") for code in refs(cell)]


# --- the tests --------------------------------------------------------------------------------------------------


def test_every_function_the_docs_name_exists() -> None:
    named = named_functions(doc_pages())
    assert len(named) > 50, "the rule and error tables were not found"
    assert [f"{page}: {ref}" for page, ref in named if not resolves(ref)] == []


def test_every_test_the_docs_name_exists() -> None:
    named = named_tests(doc_pages())
    assert len(named) > 50, "the rule and error tables were not found"
    assert [f"{page}: {ref}" for page, ref in named if not is_defined_test(ref)] == []


def test_every_rule_has_exactly_one_row_and_every_row_a_rule() -> None:
    # Code comments cite the buyer-request rules by number ("rule 5").
    assert {str(n) for n in range(1, 9)} <= set(ANCHOR.findall((DOCS / "product.md").read_text(encoding="utf-8")))
    assert [problem for page in doc_pages() for problem in rule_problems(page)] == []


def test_rule_labels_are_unique_across_the_docs() -> None:
    labels = [label for page in doc_pages() for label in ANCHOR.findall(page.read_text(encoding="utf-8"))]
    assert sorted({label for label in labels if labels.count(label) > 1}) == []


def test_every_error_code_the_code_raises_is_in_api_md() -> None:
    raised = raised_codes(chalicelib_trees().values())
    assert len(raised) > 40, "the code's error codes were not found"
    assert sorted(raised - set(documented_codes())) == []


def test_api_md_names_every_limit_the_catalogue_answers() -> None:
    from chalicelib.domain.reasons import public_limits

    row = next(line for line in API_PAGE.read_text(encoding="utf-8").splitlines()
               if line.startswith("| `GET /cancellation-reasons`"))
    assert sorted(name for name in public_limits() if f"`{name}`" not in row) == []


def test_api_md_lists_each_code_once_and_none_the_code_never_raises() -> None:
    documented = documented_codes()
    assert sorted({code for code in documented if documented.count(code) > 1}) == []
    assert sorted(set(documented) - raised_codes(chalicelib_trees().values())) == []


def test_every_link_reaches_a_file_and_anchor_of_the_repository() -> None:
    assert dead_links([ROOT / "README.md", *doc_pages()]) == []


def test_nothing_refers_to_the_product_brief_outside_the_repository() -> None:
    assert outside_references() == []


def test_the_checks_catch_drift(tmp_path: Path) -> None:
    assert resolves("chalicelib.domain.policy.Policy.band_for")
    assert not resolves("chalicelib.domain.lifecycle.no_such_rule")
    assert not resolves("chalicelib.no_such_module.anything")
    assert not resolves("chalicelib.domain")  # a module is not a function

    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_k.py").write_text(
        "def helper(): ...\ndef test_a(): ...\nclass TestK:\n    def test_m(self): ...\n")
    assert is_defined_test("tests/test_k.py::test_a[one-two]", tmp_path)
    assert is_defined_test("tests/test_k.py::TestK::test_m", tmp_path)
    assert not is_defined_test("tests/test_k.py::test_gone", tmp_path)
    assert not is_defined_test("tests/test_k.py::helper", tmp_path)
    assert not is_defined_test("tests/test_k.py::TestK", tmp_path)
    assert not is_defined_test("tests/test_gone.py::test_a", tmp_path)

    page = tmp_path / "page.md"
    page.write_text('<a id="rule-X1"></a>**X1.** one\n<a id="rule-X2"></a>**X2.** two\n\n'
                    "| rule | enforced by | proven by |\n| --- | --- | --- |\n"
                    "| [X1](#rule-X1) | `chalicelib.domain.lifecycle.gone` | `tests/test_k.py::test_gone` |\n"
                    "| X3 | `a` \\| b | |\n")
    assert rule_problems(page) == ["page.md: rule X2 has no row", "page.md: row X3 names no rule on the page"]
    assert named_functions([page]) == [("page.md", "chalicelib.domain.lifecycle.gone"), ("page.md", "a")]
    assert named_tests([page]) == [("page.md", "tests/test_k.py::test_gone")]

    snippet = ast.parse(
        "def _order_conflict(order, message, code): ...\n"
        "def decide(order):\n    raise _order_conflict(order, 'Gone.', 'SNIPPET_POSITIONAL')\n"
        "def check():\n    raise Conflict('Busy.')\n"
        "def parse():\n    code = 'SNIPPET_ASSIGNED'\n    raise ApiError(400, code, 'Bad.')\n"
        "def build():\n    return ApiError(401, code='SNIPPET_KEYWORD', message='No.')\n")
    trees = list(chalicelib_trees().values())
    new = {"SNIPPET_POSITIONAL", "CONFLICT", "SNIPPET_ASSIGNED", "SNIPPET_KEYWORD"}
    assert not new & raised_codes(trees)
    assert new <= raised_codes([*trees, snippet])

    (tmp_path / "README.md").write_text("See [api](../shared/spec/api.md).\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "x.md").write_text("fine\nsee shared/spec/product.md\n")
    assert outside_references(tmp_path, ("README.md", "docs")) == [
        "README.md:1: See [api](../shared/spec/api.md).", "docs/x.md:2: see shared/spec/product.md"]

    (tmp_path / "docs" / "y.md").write_text("## 5. What watches it\n[a](x.md) [b](#5-what-watches-it) "
                                              "[c](x.md#nowhere) [d](gone.md) [e](https://example.com/z.md)\n")
    assert dead_links([tmp_path / "README.md", tmp_path / "docs" / "y.md"], tmp_path) == [
        "README.md: ../shared/spec/api.md", "docs/y.md: x.md#nowhere", "docs/y.md: gone.md"]


# --- what the code holds, in the docs ---------------------------------------------------------------------------

MODULE = re.compile(r"(?<![\w/.])([A-Za-z_]\w*\.py)\b")


def section(text: str, heading: str) -> str:
    """The text under a `## heading` (any level), up to the next heading of that level or higher."""
    match = re.search(rf"^(#+) {re.escape(heading)}\s*$", text, flags=re.M)
    if match is None:
        return ""
    level = len(match.group(1))
    rest = text[match.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, flags=re.M)
    return rest[:end.start()] if end else rest


def tree_block(page: Path, heading: str = "Shape") -> list[str]:
    """The lines of the first code fence under the heading: the module tree."""
    fenced = re.search(r"```\n(.*?)```", section(page.read_text(encoding="utf-8"), heading), flags=re.S)
    return fenced.group(1).splitlines() if fenced else []


def tree_mentions(lines: Iterable[str]) -> set[tuple[str, str]]:
    """(folder, module) for every `name.py` the tree names, the folder being the entry it sits under: a line
    starting with `x/` opens folder x, and what that line or a deeper one names is in it."""
    found: set[tuple[str, str]] = set()
    stack: list[tuple[int, str]] = [(-1, "")]
    for line in lines:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        first = line.split()[0]
        is_entry = first.endswith("/") or first.endswith(".py") or first.endswith(",")
        if is_entry:
            while stack[-1][0] >= indent:
                stack.pop()
        if first.endswith("/") and "/" not in first[:-1]:
            stack.append((indent, stack[-1][1] + first))
        found.update((stack[-1][1], name) for name in MODULE.findall(line))
    return found


def module_problems(page: Path = ARCHITECTURE, root: Path = ROOT, trees: Iterable[str] = MODULE_TREES) -> list[str]:
    where = f"{page.name}, the tree under \"Shape\""
    mentions = tree_mentions(tree_block(page))
    modules = {(path.parent.relative_to(root).as_posix() + "/", path.name)
               for tree in trees for path in sorted((root / tree).rglob("*.py"))
               if path.name != "__init__.py" and "static" not in path.relative_to(root).parts}
    problems = [f"{where}: no line names {name} under {folder}; add `{name}  <what it holds>` inside {folder}"
                for folder, name in sorted(modules - mentions)]
    problems += [f"{where}: names {name} under {folder}, which holds no such module; drop or move it"
                 for folder, name in sorted(mentions - modules) if folder.startswith(tuple(f"{t}/" for t in trees))]
    return problems


def dev_stage(root: Path = ROOT) -> dict[str, str]:
    document = json.loads((root / ".chalice" / "config.json").read_text(encoding="utf-8"))
    return {**document.get("environment_variables", {}), **document["stages"]["dev"].get("environment_variables", {})}


def models_modules(root: Path = ROOT) -> list[str]:
    """Every module of chalicelib/store whose name ends in `models` (`models.py`, `appeal_models.py`, ...): where
    the tables are declared, found rather than listed, so a new one is checked without an edit here."""
    return sorted(f"chalicelib.store.{path.stem}" for path in (root / "chalicelib" / "store").glob("*models.py"))


def model_tables() -> dict[str, str]:
    """Each table's name-variable (`ORDERS_TABLE`), from the PynamoDB models of every models module, with the
    name docs give it (the dev stage's table name less `cancel-desk-`, hyphens as spaces: `order history`)."""
    from pynamodb.models import Model

    stage = dev_stage()
    variables = {vars(item.Meta)["table_name"].variable for name in models_modules()
                 for item in vars(importlib.import_module(name)).values()
                 if isinstance(item, type) and issubclass(item, Model) and item is not Model}
    return {variable: stage[variable].removeprefix("cancel-desk-").replace("-", " ") for variable in variables}


def table_variables() -> set[str]:
    """Every table-name variable: the models' and the stage config's."""
    return set(model_tables()) | {name for name in dev_stage() if name.endswith("_TABLE")}


def table_rows(page: Path) -> list[str]:
    return [cell for table in tables(page) if table.header[:2] == ("table", "key") for cell in table.column("table")]


def table_problems(tables_by_variable: dict[str, str], variables: Iterable[str], architecture: Path = ARCHITECTURE,
                   readme: Path = README) -> list[str]:
    problems = []
    for page, heading in ((architecture, "Tables and indexes"), (readme, "How it is built")):
        rows = [re.sub(r"[`*]", "", row) for row in table_rows(page)]
        problems += [f"{page.name}, the tables table under \"{heading}\": no row for the {name} table "
                     f"({variable}); add `| {name} | <key> | <indexes> |`"
                     for variable, name in sorted(tables_by_variable.items()) if name not in rows]
    named = set(re.findall(r"`([A-Z_]+)`", section(architecture.read_text(encoding="utf-8"), "Tables and indexes")))
    configured = {ref for table in tables(readme) if "variable" in table.header
                  for cell in table.column("variable") for ref in refs(cell)}
    problems += [f"{architecture.name}, under \"Tables and indexes\": the sentence naming the tables' variables "
                 f"lacks `{variable}`" for variable in sorted(set(variables) - named)]
    problems += [f"{readme.name}, the Configuration table: no row names `{variable}`"
                 for variable in sorted(set(variables) - configured)]
    return problems


def suite_problems(readme: Path = README, root: Path = ROOT) -> list[str]:
    """Every tests/<layer>/test_*.py is named, without `.py`, in the suites cell of its layer's row(s) of the
    README's Tests table; and every name there is a file."""
    named: set[tuple[str, str]] = set()
    for table in tables(readme):
        if table.header[:2] != ("layer", "suites"):
            continue
        layer = ""
        for row in table.rows:
            layer = next(iter(refs(row[0])), layer) if row[0] else layer
            named.update((layer, suite) for suite in refs(row[1]))
    files = {(path.parent.relative_to(root).as_posix() + "/", path.stem)
             for path in sorted((root / "tests").rglob("test_*.py"))}
    problems = [f"{readme.name}, the Tests table: the row of {layer} does not name `{suite}` "
                f"(add it to that row's suites, and what it proves)" for layer, suite in sorted(files - named)]
    problems += [f"{readme.name}, the Tests table: {layer} has no {suite}.py; drop it from its row"
                 for layer, suite in sorted(named - files)]
    return problems


def layer_problems(architecture: Path = ARCHITECTURE, pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    contracts = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    layers = next(contract["layers"] for contract in contracts if contract["type"] == "layers")
    shown = section(architecture.read_text(encoding="utf-8"), "Layers")
    return [f"{architecture.name}, under \"Layers\": the contract's layer `{layer}` (pyproject.toml) is not shown "
            "as it is there" for layer in layers if layer not in shown]


# How many tests, how long a run takes: true on the day they were written.
ROTTING = re.compile(r"\b(?:\d[\d,]* tests|about \d[\d,.]* (?:minutes?|seconds?|s)\b)", flags=re.I)


def rotting_counts(page: Path = README) -> list[str]:
    return [f"{page.name}:{number}: {match}" for number, line in enumerate(page.read_text(encoding="utf-8")
                                                                        .splitlines(), 1)
            for match in ROTTING.findall(line)]


def test_every_module_has_its_line_in_the_architecture_tree() -> None:
    assert len(tree_mentions(tree_block(ARCHITECTURE))) > 60, "the tree under Shape was not found"
    assert module_problems() == []


def test_every_table_and_table_variable_is_in_the_docs() -> None:
    assert {"chalicelib.store.models", "chalicelib.store.webhook_models", "chalicelib.store.appeal_models",
            "chalicelib.store.evidence_models"} <= set(models_modules()), "the models modules were not found"
    assert {"ORDERS_TABLE", "WEBHOOKS_TABLE", "APPEALS_TABLE", "EVIDENCE_TABLE"} <= set(model_tables())
    assert table_problems(model_tables(), table_variables()) == []


def test_every_test_suite_is_in_the_readme() -> None:
    assert suite_problems() == []


def test_the_layers_architecture_shows_are_the_contracts() -> None:
    assert layer_problems() == []


def test_the_readme_holds_no_count_that_rots() -> None:
    assert rotting_counts() == []


def test_the_inventory_checks_catch_drift(tmp_path: Path) -> None:
    for folder in ("chalicelib/api", "chalicelib/answers", "devtools", "tests/api", "tests/unit"):
        (tmp_path / folder).mkdir(parents=True)
    for module in ("chalicelib/config.py", "chalicelib/api/routing.py", "chalicelib/api/errors.py",
                   "chalicelib/answers/shapes.py", "devtools/run_local.py", "tests/api/test_flows.py",
                   "tests/unit/test_domain.py", "tests/unit/test_new.py"):
        (tmp_path / module).write_text("")
    page = tmp_path / "architecture.md"
    page.write_text("## Shape\n\n```\nchalicelib/\n  config.py    settings\n  api/         HTTP\n"
                    "    routing.py  routes; render.py\n                 and errors.py, continued\n"
                    "devtools/      dev-only: run_local.py\n```\n\n## Layers\n\n```\nchalicelib.api\n```\n\n"
                    "## Tables and indexes\n\nNames from `ORDERS_TABLE`.\n\n| table | key |\n| --- | --- |\n"
                    "| orders | `order_id` |\n")
    assert ("chalicelib/api/", "errors.py") in tree_mentions(tree_block(page))
    assert module_problems(page, tmp_path) == [
        'architecture.md, the tree under "Shape": no line names shapes.py under chalicelib/answers/; add '
        "`shapes.py  <what it holds>` inside chalicelib/answers/",
        'architecture.md, the tree under "Shape": names render.py under chalicelib/api/, which holds no such '
        "module; drop or move it"]

    # A models module added later is read for its tables with no edit of this test.
    store = tmp_path / "clone" / "chalicelib" / "store"
    store.mkdir(parents=True)
    for module in ("models.py", "refund_models.py", "mapping.py"):
        (store / module).write_text("")
    assert models_modules(tmp_path / "clone") == ["chalicelib.store.models", "chalicelib.store.refund_models"]

    readme = tmp_path / "README.md"
    readme.write_text("## How it is built\n\n| table | key | indexes |\n| --- | --- | --- |\n"
                      "| orders | `order_id` | |\n\n| variable | default |\n| --- | --- |\n| `ORDERS_TABLE` | x |\n\n"
                      "| layer | suites | what they prove |\n| --- | --- | --- |\n| `tests/api/` | `test_flows` | a |\n"
                      "| | `test_gone` | b |\n| `tests/unit/` | `test_domain` | c |\n\n"
                      "About 2,100 tests in about 6 minutes, beyond 5 minutes.\n")
    assert table_problems({"ORDERS_TABLE": "orders", "EVENTS_TABLE": "events"}, ["ORDERS_TABLE", "EVENTS_TABLE"],
                          page, readme) == [
        'architecture.md, the tables table under "Tables and indexes": no row for the events table (EVENTS_TABLE); '
        "add `| events | <key> | <indexes> |`",
        'README.md, the tables table under "How it is built": no row for the events table (EVENTS_TABLE); '
        "add `| events | <key> | <indexes> |`",
        'architecture.md, under "Tables and indexes": the sentence naming the tables\' variables lacks '
        "`EVENTS_TABLE`",
        "README.md, the Configuration table: no row names `EVENTS_TABLE`"]
    assert suite_problems(readme, tmp_path) == [
        "README.md, the Tests table: the row of tests/unit/ does not name `test_new` (add it to that row's suites, "
        "and what it proves)",
        "README.md, the Tests table: tests/api/ has no test_gone.py; drop it from its row"]
    assert rotting_counts(readme) == ["README.md:17: 2,100 tests", "README.md:17: about 6 minutes"]

    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[[tool.importlinter.contracts]]\ntype = "layers"\nlayers = ["chalicelib.api", '
                         '"chalicelib.service"]\n')
    assert layer_problems(page, pyproject) == [
        'architecture.md, under "Layers": the contract\'s layer `chalicelib.service` (pyproject.toml) is not shown '
        "as it is there"]
