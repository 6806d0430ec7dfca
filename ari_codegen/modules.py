"""Where each model's class lives, and what each generated module imports.

ARI shares one model namespace across declarations: a model of one declaration may extend
or hold a model of another. Every generated module imports what it uses at its top, so the
models modules must not import each other in a cycle: a class statement needs its base
class while its module loads. ``homes`` decides where each class lives: in the models module
of the declaration that defines it, unless that would make models modules import each other;
then the classes on such a cycle move into one module (the first of the cycle in listing
order) and the module each came from re-exports it. The ARI listing needs no move.

``model_imports``, ``api_imports`` and ``argument_imports`` are the import statements of a
declaration's models module, of its api module, and of the annotations of one operation's
arguments as the client module (at the package's root) writes them.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from . import ir, kinds

# --- where classes live ------------------------------------------------------------------------


def homes(
    declared: Mapping[str, str],
    needs: Mapping[str, Iterable[str]],
    order: Sequence[str],
) -> dict[str, str]:
    """model id -> the module of its class.

    ``declared``: the module of each model's declaration; ``needs``: the models whose names
    each model's code uses (its ancestors, the types of its properties, a parser's
    descendants); ``order``: the modules in listing order.
    """
    rank = {module: n for n, module in enumerate(order)}
    home = dict(declared)
    needed = {
        key: tuple(dict.fromkeys(k for k in needs.get(key, ()) if k in home))
        for key in home
    }
    while True:
        cycles = [c for c in _cycles(home, needed, order) if len(c) > 1]
        if not cycles:
            return home
        for cycle in cycles:
            target = min(cycle, key=rank.__getitem__)
            # every model of the cycle's modules that the target module's models reach:
            # after the move the target needs none of the others
            todo = [key for key in home if home[key] == target]
            reached = set(todo)
            while todo:
                for key in needed[todo.pop()]:
                    if key not in reached and home[key] in cycle:
                        reached.add(key)
                        todo.append(key)
            for key in reached:
                home[key] = target  # always to a module earlier in the listing


def _cycles(
    home: Mapping[str, str], needed: Mapping[str, tuple[str, ...]], order: Sequence[str]
) -> list[set[str]]:
    """The strongly connected components of the modules' import graph (Tarjan)."""
    edges: dict[str, list[str]] = {module: [] for module in order}
    for key, targets in needed.items():
        for target in targets:
            a, b = home[key], home[target]
            if a != b and b not in edges[a]:
                edges[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            found.append(component)

    for module in order:
        if module not in index:
            visit(module)
    return found


# --- import statements -------------------------------------------------------------------------


class ImportLines:
    """Collects ``from module import name`` statements; ``lines()`` orders them like isort:
    the standard library, then the package's modules (parents first); in each statement,
    constants, classes, then functions."""

    def __init__(self, here: str = "") -> None:
        self._here = here  # a module that imports nothing from itself: ".channels"
        self._names: dict[tuple[str, bool, bool], set[str]] = {}

    def add(
        self,
        module: str,
        *names: str,
        type_checking: bool = False,
        reexport: bool = False,
    ) -> None:
        if module != self._here:
            self._names.setdefault((module, type_checking, reexport), set()).update(
                names
            )

    def lines(self) -> tuple[ir.Import, ...]:
        def where(entry: tuple[str, bool, bool]) -> tuple[bool, bool, int, str]:
            module, type_checking, reexport = entry
            dots = len(module) - len(module.lstrip("."))
            return (type_checking, reexport, -dots if dots else -100, module)

        return tuple(
            ir.Import(
                module, tuple(sorted(names, key=_name_order)), type_checking, reexport
            )
            for (module, type_checking, reexport), names in sorted(
                self._names.items(), key=lambda i: where(i[0])
            )
        )


def _name_order(name: str) -> tuple[int, str]:
    bare = name.lstrip("_")
    return (0 if bare.isupper() else 1 if bare[:1].isupper() else 2, name)


def _types(t: ir.TypeRef) -> Iterable[ir.TypeRef]:
    """``t`` and the items it holds, outermost first."""
    while True:
        yield t
        if t.item is None:
            return
        t = t.item


def _annotation_imports(lines: ImportLines, t: ir.TypeRef, models: str) -> None:
    """What the annotation of ``t`` needs; ``models`` is the models package as the importing
    module writes it (``.`` beside them, ``..models.`` from ``api/``)."""
    for each in _types(t):
        for module, name in kinds.of(each).annotation_imports:
            lines.add(module, name)
        if each.kind == "model" and each.py_module is not None:
            lines.add(f"{models}{each.py_module}", each.annotation)


def model_imports(
    module: str,
    models: Sequence[ir.Model],
    enums: Sequence[ir.Enum],
    moved: Sequence[ir.Model],
    parents: Mapping[str, ir.Model],
) -> tuple[ir.Import, ...]:
    """The imports of the models module ``module``, which defines ``models`` and ``enums``
    and re-exports the ``moved`` models of its declaration; ``parents`` has every model by
    id (for a parent's class and module)."""
    lines = ImportLines(f".{module}")
    if enums:
        lines.add("enum", "StrEnum")
    if models:
        lines.add("collections.abc", "Mapping")
        lines.add("dataclasses", "dataclass")
        lines.add("typing", "Any")
        lines.add(".._runtime", "Problem", "failure", "new_instance", "unknown_fields")
    for model in models:
        if model.parent is None:
            lines.add(".._runtime", "Model")
        else:
            parent = parents[model.parent]
            lines.add(f".{parent.py_module}", parent.py_name)
        if model.py_parser:
            lines.add(".._runtime", "ValidationError", "nearest_base")
        for p in model.properties:  # annotations of its own fields
            _annotation_imports(lines, p.type, ".")
            if "builtins." in p.annotation:  # after a field named list
                lines.add("builtins")
        for p in model.all_properties:  # decoding, encoding, validating every field
            lines.add(".._runtime", "MISSING", "join")
            if p.wrong_json("value") is not None:
                lines.add(".._runtime", "DecodeFailure")
            for each in _types(p.type):
                if kinds.of(each).runtime:
                    lines.add(".._runtime", *kinds.of(each).runtime)
                if each.kind == "model" and each.py_module is not None:
                    decoder = each.py_parser or each.annotation
                    lines.add(f".{each.py_module}", decoder, str(each.py_validator))
            if p.enum is not None:
                lines.add(f".{p.enum.py_module}", p.enum.py_values)
    for model in moved:
        names = [
            model.py_name,
            model.py_validator,
            *([model.py_parser] if model.py_parser else []),
        ]
        names += [p.enum.py_name for p in model.properties if p.enum is not None]
        lines.add(f".{model.py_module}", *names, reexport=True)
    return lines.lines()


def _argument_imports(operation: ir.Operation, models: str, lines: ImportLines) -> None:
    """What the annotations of an operation's arguments need; ``models`` is the models
    package as the importing module writes it."""
    for p in operation.parameters:
        _annotation_imports(lines, p.type, models)
        if p.enum is not None:
            lines.add(f"{models}{p.enum.py_module}", p.enum.py_name)
            lines.add("typing", "Literal")
        if p.allow_multiple:
            lines.add("collections.abc", "Sequence")
        if "builtins." in p.annotation:
            lines.add("builtins")


def argument_imports(operation: ir.Operation) -> tuple[ir.Import, ...]:
    """The imports of an operation's arguments in a module at the package's root (the
    client's ``run``, which takes the arguments of the events websocket)."""
    lines = ImportLines()
    _argument_imports(operation, ".models.", lines)
    return lines.lines()


def api_imports(operations: Sequence[ir.Operation]) -> tuple[ir.Import, ...]:
    """The imports of the api module of a declaration with ``operations``."""
    lines = ImportLines()
    if not operations:
        return ()
    lines.add("..", "_http")
    lines.add(".._runtime", "Problem")
    for op in operations:
        _argument_imports(op, "..models.", lines)
        _annotation_imports(lines, op.response, "..models.")
        if "builtins." in op.returns:
            lines.add("builtins")
        if op.located("body"):
            lines.add("typing", "Any")
        if any(p.type.element.kind == "date" for p in op.parameters):
            lines.add(".._runtime", *kinds.KINDS["date"].argument_runtime)
        response = op.response.element
        if (
            response.kind == "model"
            and response.py_module is not None
            and response.py_parser
        ):
            lines.add(f"..models.{response.py_module}", response.py_parser)
        if op.is_websocket:
            lines.add("typing", "TYPE_CHECKING", "Any")
            lines.add("..events", "AsyncEventStream", "EventStream", type_checking=True)
            if op.response.kind == "model" and op.response.py_parser:
                lines.add("functools", "partial")  # the parser, not strict
        runtime = kinds.decode_runtime(op.response)  # a response of dates
        if runtime:
            lines.add(".._runtime", *runtime)
    return lines.lines()
