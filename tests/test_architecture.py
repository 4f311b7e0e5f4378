"""Who may import whom: the import graph drawn from the source, with no cycles and each layer in its place.

The graph is read with ``ast``, not by importing: an edge runs from a module
of ``events`` or ``mineaction`` to each of their modules it imports. Imports
under ``if TYPE_CHECKING:`` are left out (they never run). Two graphs:

- at import time: the imports a module runs when it is first imported (its
  top level and class bodies); a cycle here can break the app's start;
- in all: those plus the imports inside functions, which run later; a cycle
  here is a circle of dependencies, even if a deferred import hides it.

Rules are written by module prefix, so ``events.admin`` means the module
``events/admin.py`` or every module of a package ``events/admin/``. Where the
code breaks a rule today, the exception is listed with its reason: the list
is the debt, and a listed exception that no longer occurs fails too, so the
list only shrinks.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGES = ("events", "mineaction")

# Layers, by module prefix.
MODELS = ("events.models",)
FILTERS = ("events.filters",)
PAGES = ("events.views",)
OUTPUTS = ("events.api", "events.feeds", "events.exports", "events.sitemaps")
ADMIN = ("events.admin",)  # the editors' admin, its CSV import among its modules
INTAKE = ("events.intake",)
ROUTING = ("events.urls", "mineaction.urls")
COMMANDS = ("events.management",)
MIGRATIONS = ("events.migrations",)
CACHE = ("events.versions",)  # the data version every kept page is filed under: below the models
# What a failing dependency gets: the 503 page and /healthz's probes, the Redis backend that
# fails soft. Below the models too: they work when the records cannot be read.
FAILURES = ("events.outages", "events.redis_cache")
# The receivers that move the data version when records change: above the models they watch.
VERSION_RECEIVERS = ("events.version_signals",)
# Helpers of the pages and charts (the page cache among them): above the models, beside the FilterSet.
PAGE_HELPERS = (
    "events.cache",
    "events.citations",
    "events.facets",
    "events.geo",
    "events.meeting_index",
    "events.network",
    "events.structured_data",
    "events.templatetags",
)
ABOVE_MODELS = (
    FILTERS + PAGES + OUTPUTS + ADMIN + INTAKE + ROUTING + COMMANDS + PAGE_HELPERS + VERSION_RECEIVERS
)


# Where today's code breaks a rule: (importer prefix, imported prefix) -> why, until it is fixed.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


# Reading the graph


def module_name(path: Path) -> str:
    parts = list(path.relative_to(BASE_DIR).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((BASE_DIR / package).rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def statements(body: Iterable[ast.stmt], deferred: bool) -> Iterator[ast.stmt]:
    """Every statement that may run but ``if TYPE_CHECKING:`` blocks; function bodies only if ``deferred``."""
    for node in body:
        if isinstance(node, ast.If) and is_type_checking(node.test):
            yield from statements(node.orelse, deferred)
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not deferred:
            continue
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                yield from statements(inner, deferred)


def owner(name: str) -> str | None:
    """The project module that ``name`` (a module, or a name inside one) comes from."""
    modules = project_modules()
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str, deferred: bool) -> set[str]:
    path = project_modules()[name]
    return imports_in(path.read_text(), name, path.name == "__init__.py", deferred)


def imports_in(source: str, name: str, is_package: bool, deferred: bool) -> set[str]:
    """The project modules that the source of module ``name`` imports."""
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in statements(ast.parse(source).body, deferred):
        if isinstance(node, ast.Import):
            found |= {owner(alias.name) for alias in node.names if alias.name.split(".")[0] in PACKAGES}
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            origin = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            if origin and origin.split(".")[0] in PACKAGES:
                # `from events import views` imports the module events.views; `from .models import Meeting`
                # imports events.models.
                found |= {owner(f"{origin}.{alias.name}") for alias in node.names}
    return found - {name, None}


@cache
def import_graph(deferred: bool) -> dict[str, frozenset[str]]:
    return {name: frozenset(imports_of(name, deferred)) for name in project_modules()}


def find_cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """One cycle through each group of modules that import one another (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [cycle_within(graph, set(component)) for component in components]


def cycle_within(graph: dict[str, frozenset[str]], component: set[str]) -> list[str]:
    """A path that starts and ends at the same module, staying inside ``component``."""
    start = min(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & component):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start}")


def within(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def known(importer: str, imported: str) -> bool:
    return any(within(importer, [a]) and within(imported, [b]) for a, b in KNOWN_EXCEPTIONS)


def edges(deferred: bool = True) -> Iterator[tuple[str, str]]:
    for importer, imported in sorted(import_graph(deferred).items()):
        for target in sorted(imported):
            yield importer, target


def describe(cycles: list[list[str]]) -> str:
    return "\n".join(" -> ".join(cycle) for cycle in cycles)


# The graph is read right


def test_the_graph_finds_the_projects_own_imports():
    graph = import_graph(deferred=False)
    assert "events.models" in graph["events.filters"]  # from .models import …
    assert "events.views" in graph["events.urls"]  # from . import views
    assert "mineaction.environment" in graph["mineaction.settings"]  # from mineaction.environment import …
    assert not any(
        within(name, ["django", "rest_framework"]) for targets in graph.values() for name in targets
    )


def test_the_graph_tells_deferred_and_type_checking_imports_apart():
    source = textwrap.dedent("""
        from typing import TYPE_CHECKING
        from . import models
        import events.cache
        if TYPE_CHECKING:
            from events import views
        def later():
            from events.admin import something
    """)
    at_import = imports_in(source, "events.probe", is_package=False, deferred=False)
    assert at_import == {"events.models", "events.cache"}
    in_all = imports_in(source, "events.probe", is_package=False, deferred=True)
    assert in_all == {"events.models", "events.cache", "events.admin"}


def test_every_layer_names_modules_that_exist():
    # A module moved or renamed must not leave a rule that checks nothing.
    layers = ABOVE_MODELS + MODELS + CACHE + FAILURES + MIGRATIONS
    modules = project_modules()
    assert [prefix for prefix in layers if not any(within(name, [prefix]) for name in modules)] == []


def test_cycles_are_found_and_printed_as_a_path():
    graph = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": frozenset({"b"}), "b": frozenset()}) == []


# No cycles


def test_no_import_cycle_at_import_time():
    cycles = find_cycles(import_graph(deferred=False))
    assert not cycles, f"import cycles:\n{describe(cycles)}"


def test_no_circle_of_dependencies_even_through_deferred_imports():
    graph = {
        importer: frozenset(target for target in targets if not known(importer, target))
        for importer, targets in import_graph(deferred=True).items()
    }
    cycles = find_cycles(graph)
    assert not cycles, f"modules that depend on one another:\n{describe(cycles)}"


# Layers


def broken(rule) -> list[str]:
    return [
        f"{importer} imports {imported}"
        for importer, imported in edges()
        if rule(importer, imported) and not known(importer, imported)
    ]


def test_models_import_nothing_above_them():
    # No page, output, FilterSet, admin, intake, routing or command: the floor holds by itself.
    assert broken(lambda a, b: within(a, MODELS) and within(b, ABOVE_MODELS)) == []


def test_the_cache_imports_nothing_of_the_project():
    # The models tell it of every write, so it must not lean on them in turn.
    assert broken(lambda a, b: within(a, CACHE) and not within(b, CACHE)) == []


def test_failure_handling_imports_nothing_of_the_project_but_itself():
    # It must answer when the database, and so the models, cannot.
    assert broken(lambda a, b: within(a, FAILURES) and not within(b, FAILURES)) == []


def test_the_filterset_imports_only_the_models():
    assert broken(lambda a, b: within(a, FILTERS) and not within(b, MODELS)) == []


def test_pages_and_outputs_do_not_import_one_another():
    siblings = PAGES + OUTPUTS

    def across(a: str, b: str) -> bool:
        return any(within(a, [one]) and within(b, siblings) and not within(b, [one]) for one in siblings)

    assert broken(across) == []


def test_the_admin_uses_the_models_and_the_intake_not_the_readers_side():
    readers_side = FILTERS + PAGES + OUTPUTS + PAGE_HELPERS + ROUTING + COMMANDS
    assert broken(lambda a, b: within(a, ADMIN) and within(b, readers_side)) == []


def test_the_intake_drafts_from_the_models_alone():
    # Plain functions, testable without the admin.
    assert broken(lambda a, b: within(a, INTAKE) and within(b, ABOVE_MODELS) and not within(b, INTAKE)) == []


def test_page_helpers_and_commands_import_no_page_output_or_admin():
    upper = PAGES + OUTPUTS + ADMIN + ROUTING
    assert broken(lambda a, b: within(a, PAGE_HELPERS + COMMANDS) and within(b, upper)) == []


def test_settings_and_wsgi_import_no_events_module():
    # mineaction reaches the events URLs by name (include("events.urls")), so settings load first.
    assert broken(lambda a, b: within(a, ["mineaction"]) and within(b, ["events"])) == []


def test_migrations_import_no_module_of_the_project():
    # A migration keeps its own copy of what it needs, so the code can change under it.
    assert broken(lambda a, b: within(a, MIGRATIONS) and not within(b, MIGRATIONS)) == []


def test_every_listed_exception_still_occurs():
    # Once the code is fixed, take the exception off the list, so the list shows only real debt.
    gone = [
        f"{importer} no longer imports {imported}"
        for importer, imported in sorted(KNOWN_EXCEPTIONS)
        if not any(within(a, [importer]) and within(b, [imported]) for a, b in edges())
    ]
    assert gone == [], "remove these from KNOWN_EXCEPTIONS"
