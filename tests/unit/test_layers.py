"""The layers' import rules, read from the source (nothing is imported to check them).

domain      rules; no Reflex, no pages/state/application; providers only through their
            interfaces (the `Protocol` classes), and no import cycle among its modules.
providers   adapters to the outside (SMS, payment, clock, rate limits); nothing from the domain
            but its error types, nothing from the layers above.
application one use case per function; no Reflex, no pages/state/components.
pages,state Reflex; no database session, no model, no thread hop of their own (the application
            layer and `state/events.use` do that), and no page module over 400 lines.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "absher_app"
PAGE_LIMIT = 400


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) for every import in the file, module-level or inside a function, except
    those under `if TYPE_CHECKING:`; `name` is None for `import x`."""
    found: list[tuple[str, str | None]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking_only(child):
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, None) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                module = child.module or ""
                if child.level:  # relative import: resolve against the file's package
                    base = _name(path).split(".")
                    base = base[: len(base) - child.level + (path.name == "__init__.py")]
                    module = ".".join([*base, *([module] if module else [])])
                found.extend((module, alias.name) for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _under(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _is_protocol(module: str, name: str | None) -> bool:
    if name is None:
        return False
    thing = getattr(importlib.import_module(module), name, None)
    return isinstance(thing, type) and getattr(thing, "_is_protocol", False) is True


UPPER = ("absher_app.pages", "absher_app.state", "absher_app.components")


@pytest.mark.parametrize("path", _modules("domain"), ids=_name)
def test_domain_imports_no_reflex_no_upper_layer_and_providers_only_by_interface(path):
    for module, name in imports(path):
        assert not _under(module, "reflex", *UPPER, "absher_app.application"), (module, name)
        if _under(module, "absher_app.providers"):
            assert _is_protocol(module, name), \
                f"{_name(path)} uses {module}.{name}, which is not a provider interface"


@pytest.mark.parametrize("path", _modules("providers"), ids=_name)
def test_providers_import_from_the_domain_only_its_errors(path):
    for module, name in imports(path):
        assert not _under(module, "reflex", *UPPER, "absher_app.application"), (module, name)
        if _under(module, "absher_app.domain"):
            assert module == "absher_app.domain.errors", (module, name)


@pytest.mark.parametrize("path", _modules("application"), ids=_name)
def test_application_imports_no_reflex_and_no_page_or_state(path):
    for module, name in imports(path):
        assert not _under(module, "reflex", *UPPER), (module, name)


@pytest.mark.parametrize("path", _modules("pages") + _modules("state"), ids=_name)
def test_pages_and_states_touch_no_database_and_no_model(path):
    for module, name in imports(path):
        assert not _under(module, "absher_app.models", "absher_app.db", "sqlmodel",
                          "sqlalchemy"), (module, name)
    source = path.read_text(encoding="utf-8")
    for word in ("session_scope", "to_thread", "session.exec(", "session.get(",
                 "session.add(", "session.commit("):
        assert word not in source, f"{_name(path)} uses {word}"


@pytest.mark.parametrize("path", _modules("pages"), ids=_name)
def test_no_page_module_is_over_the_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= PAGE_LIMIT, f"{_name(path)} has {lines} lines"


def test_the_domain_has_no_import_cycle():
    graph = {_name(p): {m for m, _ in imports(p) if _under(m, "absher_app.domain")}
             for p in _modules("domain")}
    # `from absher_app.domain import x` names the module x.
    for path in _modules("domain"):
        for module, name in imports(path):
            if module == "absher_app.domain" and name:
                graph[_name(path)].add(f"absher_app.domain.{name}")
    graph = {node: {m for m in edges if m in graph and m != node and m != "absher_app.domain"}
             for node, edges in graph.items()}
    cycle = _find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None
