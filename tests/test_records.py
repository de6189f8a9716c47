"""archspec.records.dataclass makes the same frozen dataclasses as the standard library's
`dataclasses.dataclass(frozen=True)`, from methods compiled ahead (records_methods.py, which must be
what `python -m archspec.make_records` writes) or on the spot."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import sys
import types

import pytest

from archspec import records
from archspec.make_records import MODULES, OUT, render


def test_the_compiled_methods_are_the_classes():
    """After changing the fields of a frozen dataclass of these modules: python -m archspec.make_records."""
    assert OUT.read_text(encoding="utf-8") == render(), "run: python -m archspec.make_records"
    for module in MODULES:
        importlib.import_module(module)
    made = {name for name in records.MADE if name.startswith(MODULES)}
    assert made and made <= set(records._compiled())
    for name in made:  # every class of these modules took its methods from the file
        cls = records.MADE[name][0]
        assert cls.__init__.__code__.co_filename.endswith("records_methods.py"), name


def standard_twin(module_name: str) -> types.ModuleType:
    """The module run again with the standard library's dataclass."""
    module = importlib.import_module(module_name)
    source = inspect.getsource(module)
    changed = source.replace("from archspec.records import dataclass", "from dataclasses import dataclass")
    assert changed != source
    twin = types.ModuleType(module_name + "_standard")
    twin.__package__ = module.__package__
    sys.modules[twin.__name__] = twin
    try:
        exec(compile(changed, module.__file__, "exec"), twin.__dict__)
    finally:
        del sys.modules[twin.__name__]
    return twin


def sample(parameter: inspect.Parameter, k: int):
    return f"{parameter.name}-{k}" if parameter.default is inspect.Parameter.empty else parameter.default


def behaviour(cls) -> list:
    """What the class does: its signature, docstring, fields and flags, and its instances' repr,
    equality, hash, replace and frozenness, as text."""
    params = inspect.signature(cls).parameters
    a = cls(**{name: sample(p, 0) for name, p in params.items()})
    b = cls(**{name: sample(p, 0) for name, p in params.items()})
    c = cls(**{name: sample(p, 1) for name, p in params.items()}) if params else a
    out = [
        str(inspect.signature(cls)),
        cls.__doc__,
        cls.__match_args__,
        [
            (
                f.name,
                f.type,
                repr(f.default),
                f.default_factory is dataclasses.MISSING,
                f.init,
                f.repr,
                f.compare,
                f.hash,
            )
            for f in dataclasses.fields(cls)
        ],  # fmt: skip
        [getattr(cls.__dataclass_params__, k) for k in ("init", "repr", "eq", "order", "unsafe_hash", "frozen")],
        repr(a).replace("_standard", ""),
        a == b,
        a == c,
        a != b,
        a == object(),
        repr(dataclasses.replace(a)) == repr(a),
        [f.name for f in dataclasses.fields(a)],
    ]
    try:
        out.append(hash(a) == hash(b))
    except TypeError as err:
        out.append(str(err))
    for target in ([f.name for f in dataclasses.fields(cls)][:1] or ["x"]) + ["not_a_field"]:
        for attempt, args in ((setattr, (a, target, 1)), (delattr, (a, target))):
            try:
                attempt(*args)
                out.append("no error")
            except dataclasses.FrozenInstanceError as err:
                out.append(str(err))
    return out


@pytest.mark.parametrize("module_name", MODULES)
def test_every_class_is_the_standard_librarys(module_name):
    module = importlib.import_module(module_name)
    twin = standard_twin(module_name)
    classes = [name for name, value in vars(module).items() if f"{module_name}.{name}" in records.MADE]
    assert classes
    for name in classes:
        ours, theirs = getattr(module, name), getattr(twin, name)
        assert dataclasses.is_dataclass(ours)
        assert behaviour(ours) == behaviour(theirs), name


SYNTHETIC = '''
import dataclasses
from typing import ClassVar
from archspec.records import dataclass as DATACLASS

@DATACLASS(frozen=True)
class Empty:
    pass

@DATACLASS(frozen=True)
class Mixed:
    """Documented."""
    a: int
    b: "str" = "b"
    c: list = dataclasses.field(default_factory=list)
    d: dict = dataclasses.field(default_factory=dict, repr=False, compare=False)
    e: int = dataclasses.field(default=5, init=False)
    f: list = dataclasses.field(default_factory=lambda: [1], init=False)
    g: tuple = dataclasses.field(default=(), hash=False)
    kind: ClassVar[str] = "mixed"

    @property
    def twice(self):
        return 2 * self.a
'''


def synthetic(decorator: str) -> types.ModuleType:
    module = types.ModuleType(f"synthetic_{decorator}")
    sys.modules[module.__name__] = module
    text = SYNTHETIC if decorator == "records" else SYNTHETIC.replace(
        "from archspec.records import dataclass as DATACLASS", "from dataclasses import dataclass as DATACLASS"
    )  # fmt: skip
    exec(compile(text, "<synthetic>", "exec", dont_inherit=True), module.__dict__)
    return module


def test_defaults_factories_field_options_and_class_variables():
    ours, theirs = synthetic("records"), synthetic("standard")
    for name in ("Empty", "Mixed"):
        assert behaviour(getattr(ours, name)) == behaviour(getattr(theirs, name)), name
    m = ours.Mixed(3)
    assert (m.c, m.d, m.e, m.f, m.twice, ours.Mixed.kind) == ([], {}, 5, [1], 6, "mixed")
    assert m.c is not ours.Mixed(3).c  # a new list for every instance
    assert m == ours.Mixed(3, d={"ignored": 1})  # d is not compared


def test_what_it_leaves_to_the_standard_library():
    @records.dataclass
    class Plain:
        a: int

    @records.dataclass(frozen=True)
    class WithPostInit:
        a: int

        def __post_init__(self):
            pass

    @records.dataclass(frozen=True, order=True)
    class Ordered:
        a: int

    for cls in (Plain, WithPostInit, Ordered):
        assert not cls.__init__.__code__.co_filename.endswith("records_methods.py")
        assert f"{cls.__module__}.{cls.__qualname__}" not in records.MADE
    Plain(1).a = 2  # not frozen
    assert Ordered(1) < Ordered(2)


def test_a_class_whose_fields_changed_is_compiled_on_the_spot(monkeypatch):
    """records_methods.py holds Span as it is; a Span of other fields gets methods of its own."""
    monkeypatch.setattr(records, "MADE", dict(records.MADE))
    namespace = {"__name__": "archspec.frontend.syntax"}
    exec(
        "from archspec.records import dataclass\n"
        "@dataclass(frozen=True)\nclass Span:\n    file: str\n    line: int = 1\n",
        namespace,
    )
    span = namespace["Span"]("f")
    assert repr(span) == "Span(file='f', line=1)"
    assert not type(span).__init__.__code__.co_filename.endswith("records_methods.py")
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.line = 2


def test_copy_with_is_replace():
    """`copy_with` gives what `dataclasses.replace` gives, and refuses a field the record lacks."""
    from archspec.analysis.graph import Node
    from archspec.frontend.syntax import Span

    node = Node(3, "a.b", None, {"out": 8}, (1, 2), (8, 4, 4), 10, 2, 99, Span("f", 1, 2, 1, 5), 1, guard=("g",))
    changes = {"id": 7, "path": "c.b", "inputs": (5, 6)}
    copy = records.copy_with(node, **changes)
    assert copy == dataclasses.replace(node, **changes) and type(copy) is Node
    assert repr(copy) == repr(dataclasses.replace(node, **changes))
    assert node.id == 3 and node.path == "a.b"  # the record copied is as it was
    with pytest.raises(TypeError, match="no field 'ids'"):
        records.copy_with(node, ids=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        copy.id = 1
