"""The app's modules import each other without cycles and without reaching into private names.

A static walk (``ast``) over hotline/, models/ and classifiers/: module-level imports may not
form a cycle (a function-level import is how a deliberate late binding is written, so it is
walked for private names but not for cycles), and no module imports another module's
``_private`` name, neither as ``from x import _y`` nor as ``x._y``.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("hotline", "models", "classifiers")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _app_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "__pycache__" not in path.parts
    }


MODULES = _app_modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(importer: str, module: str | None, level: int) -> str:
    """The absolute module name of a (possibly relative) ``from`` import."""
    if not level:
        return module or ""
    base = importer.split(".")
    if not _is_package(importer):
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _owning_module(name: str) -> str | None:
    """The longest prefix of a dotted name that is one of the app's modules."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in MODULES:
            return candidate
    return None


class _Walk(ast.NodeVisitor):
    """Collects a module's imports (module-level apart) and its uses of others' private names."""

    def __init__(self, name: str):
        self.name = name
        self.depth = 0
        self.top_level: set[str] = set()
        self.private: list[str] = []
        self.aliases: dict[str, str] = {}

    def _function(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def _add(self, target: str | None):
        if target and target != self.name and self.depth == 0:
            self.top_level.add(target)

    def visit_Import(self, node: ast.Import):
        for alias in node.names:
            target = _owning_module(alias.name)
            self._add(target)
            if target:
                self.aliases[alias.asname or alias.name] = alias.name if alias.asname else alias.name.split(".")[0]

    def visit_ImportFrom(self, node: ast.ImportFrom):
        source = _resolve(self.name, node.module, node.level)
        owner = _owning_module(source)
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            if submodule in MODULES:
                self._add(submodule)
                self.aliases[alias.asname or alias.name] = submodule
                continue
            self._add(owner)
            if alias.name.startswith("_") and owner and owner != self.name:
                self.private.append(f"line {node.lineno}: from {source} import {alias.name}")

    def visit_Attribute(self, node: ast.Attribute):
        if node.attr.startswith("_") and not node.attr.startswith("__"):
            dotted = _dotted(node.value)
            if dotted:
                head, _, rest = dotted.partition(".")
                module = self.aliases.get(head)
                if module:
                    full = ".".join(filter(None, [module, rest]))
                    if full in MODULES and full != self.name:
                        self.private.append(f"line {node.lineno}: {dotted}.{node.attr}")
        self.generic_visit(node)


def _dotted(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def _walk_all() -> dict[str, _Walk]:
    walks = {}
    for name, path in MODULES.items():
        walk = _Walk(name)
        walk.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        walks[name] = walk
    return walks


WALKS = _walk_all()


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _graph() -> dict[str, set[str]]:
    # A package's __init__ importing its own submodules (and those importing the package for a
    # sibling) is Python's package machinery, not a knot between concepts: drop edges from a
    # package to what lives inside it.
    return {
        name: {t for t in walk.top_level if not (_is_package(name) and t.startswith(name + "."))}
        for name, walk in WALKS.items()
    }


def test_it_finds_the_app_modules():
    assert "hotline.intake.service" in MODULES
    assert "models.base" in MODULES
    assert any(name.startswith("classifiers.") for name in MODULES)


def test_it_sees_a_cycle_and_a_private_import():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    walk = _Walk("hotline.cases.opening")
    walk.visit(ast.parse("from hotline.cases import routing\nfrom hotline.money import _x\nrouting._y()\n"))
    assert walk.private == ["line 2: from hotline.money import _x", "line 3: routing._y"]
    assert walk.top_level == {"hotline.cases.routing", "hotline.money"}


def test_no_cycle_among_module_level_imports():
    cycles = _cycles(_graph())
    assert not cycles, "module-level import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_uses_another_modules_private_names(name):
    assert not WALKS[name].private, f"{name} reaches into private names:\n" + "\n".join(WALKS[name].private)
