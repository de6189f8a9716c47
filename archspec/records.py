"""`@dataclass(frozen=True)` as the standard library makes it, without compiling its methods on
every start.

`dataclasses.dataclass` writes each class's `__init__`, `__repr__`, `__eq__`, `__hash__`,
`__setattr__` and `__delattr__` as source text and compiles them whenever the class is made: about
a millisecond a class, 30 ms of every `archspec check` for the classes of the syntax tree, the
graph and the layers. `dataclass` here lets the standard library read the fields (defaults,
`field(...)`, `ClassVar`) and mark the class as a dataclass, so that `dataclasses.replace`,
`fields`, `asdict` and `is_dataclass` work on it as ever, and takes the six methods, the same code
the standard library writes, from `records_methods.py`, whose bytecode Python keeps like any
module's (written by `python -m archspec.make_records`). A class that file does not have as it is
now has its methods compiled here instead.

The methods behave as the standard library's (Python 3.10 to 3.13): the same arguments and
defaults, repr, equality, hash, docstring and `FrozenInstanceError`s; `__init__` stores the fields
into the instance's `__dict__`, which is what `object.__setattr__` does for a class without slots
or descriptors of those names. Any other use (no `frozen=True`, other options, `__post_init__`,
`InitVar`, `KW_ONLY`, a dataclass base, methods of those names written in the class) goes to
`dataclasses.dataclass` itself. tests/test_records.py compares the two on every class made here.
"""

from __future__ import annotations

import _thread
import dataclasses
import functools

_OWN = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__", "__post_init__", "__slots__")
METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")

MADE: dict[str, tuple[type, bool]] = {}  # "module.Qualname" -> (class, its docstring is made), for make_records


def dataclass(cls=None, /, *, frozen: bool = False, **options):
    """`dataclasses.dataclass`; faster to make where `frozen=True` is the only option."""

    def wrap(cls):
        if not frozen or options or not _simple(cls):
            return dataclasses.dataclass(cls, frozen=frozen, **options)
        return _frozen(cls)

    return wrap if cls is None else wrap(cls)


def _simple(cls) -> bool:
    """No feature `_frozen` leaves to the standard library."""
    if any(name in cls.__dict__ for name in _OWN):
        return False
    if any(dataclasses.is_dataclass(base) for base in cls.__mro__[1:]):
        return False
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        text = annotation if isinstance(annotation, str) else repr(annotation)
        if "InitVar" in text or "KW_ONLY" in text:
            return False
        default = cls.__dict__.get(name)
        if isinstance(default, dataclasses.Field):
            if default.kw_only is True:
                return False
            default = default.default
        if hasattr(type(default), "__set__") or hasattr(type(default), "__delete__"):
            return False  # a data descriptor: object.__setattr__ would call it
        for base in cls.__mro__[1:]:
            if name in base.__dict__ and hasattr(type(base.__dict__[name]), "__set__"):
                return False
    return True


def fingerprint(cls) -> tuple:
    """What the methods and the docstring of a processed class depend on."""
    out = [cls.__qualname__]
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING:
            default = "<factory>"
        elif f.default is not dataclasses.MISSING:
            default = "= " + repr(f.default)
        else:
            default = ""
        out.append((f.name, repr(f.type), default, f.init, f.repr, f.compare, f.hash))
    return tuple(out)


def source(cls) -> str:
    """The text of `make(cls, env)`, which returns the class's six methods: the standard library's
    code for them, written as `dataclasses` writes it."""
    fields = dataclasses.fields(cls)
    names = tuple(f.name for f in fields)
    params, body, head = [], [], []
    for f in fields:
        head.append(f"    _type_{f.name} = env[{('type', f.name)!r}]")
        if f.default_factory is not dataclasses.MISSING:
            head.append(f"    _dflt_{f.name} = env[{('default', f.name)!r}]")
            if f.init:
                params.append(f"{f.name}: _type_{f.name} = _HAS_DEFAULT_FACTORY")
                body.append(
                    f"        _d[{f.name!r}] = _dflt_{f.name}() if {f.name} is _HAS_DEFAULT_FACTORY else {f.name}"
                )
            else:
                body.append(f"        _d[{f.name!r}] = _dflt_{f.name}()")
        elif f.default is not dataclasses.MISSING:
            head.append(f"    _dflt_{f.name} = env[{('default', f.name)!r}]")
            if f.init:
                params.append(f"{f.name}: _type_{f.name} = _dflt_{f.name}")
                body.append(f"        _d[{f.name!r}] = {f.name}")
            else:
                body.append(f"        _d[{f.name!r}] = _dflt_{f.name}")
        elif f.init:
            params.append(f"{f.name}: _type_{f.name}")
            body.append(f"        _d[{f.name!r}] = {f.name}")

    def fields_of(obj: str, chosen) -> str:
        return "(" + "".join(f"{obj}.{f.name}, " for f in chosen) + ")"

    shown = ", ".join(f"{f.name}={{self.{f.name}!r}}" for f in fields if f.repr)
    compared = [f for f in fields if f.compare]
    hashed = [f for f in fields if (f.compare if f.hash is None else f.hash)]
    return "\n".join(
        [
            "def make(cls, env):",
            "    FrozenInstanceError = env['FrozenInstanceError']",
            "    _HAS_DEFAULT_FACTORY = env['HAS_DEFAULT_FACTORY']",
            *head,
            "",
            f"    def __init__(self{''.join(', ' + p for p in params)}) -> None:",
            "        _d = self.__dict__",
            *body,
            "",
            "    def __repr__(self):",
            f'        return self.__class__.__qualname__ + f"({shown})"',
            "",
            "    def __eq__(self, other):",
            "        if other.__class__ is self.__class__:",
            f"            return {fields_of('self', compared)} == {fields_of('other', compared)}",
            "        return NotImplemented",
            "",
            "    def __hash__(self):",
            f"        return hash({fields_of('self', hashed)})",
            "",
            "    def __setattr__(self, name, value):",
            f"        if type(self) is cls or name in {names!r}:",
            '            raise FrozenInstanceError(f"cannot assign to field {name!r}")',
            "        super(cls, self).__setattr__(name, value)",
            "",
            "    def __delattr__(self, name):",
            f"        if type(self) is cls or name in {names!r}:",
            '            raise FrozenInstanceError(f"cannot delete field {name!r}")',
            "        super(cls, self).__delattr__(name)",
            "",
            "    return __init__, __repr__, __eq__, __hash__, __setattr__, __delattr__",
            "",
        ]
    )


def _recursive_repr(method):
    """dataclasses' guard: a repr that reaches its own object again writes `...`."""
    running = set()

    @functools.wraps(method)
    def wrapper(self):
        key = id(self), _thread.get_ident()
        if key in running:
            return "..."
        running.add(key)
        try:
            return method(self)
        finally:
            running.discard(key)

    return wrapper


class _HasDefaultFactory:
    def __repr__(self):
        return "<factory>"


_HAS_DEFAULT_FACTORY = _HasDefaultFactory()
_COMPILED: list = []


def _compiled() -> dict:
    if not _COMPILED:
        try:
            from archspec import records_methods

            _COMPILED.append(records_methods.CLASSES)
        except (ImportError, AttributeError):
            _COMPILED.append({})
    return _COMPILED[0]


def _frozen(cls):
    own_doc = cls.__dict__.get("__doc__")
    if own_doc is None:
        cls.__doc__ = "-"  # keeps the standard library from working out the signature: done below
    # the standard library reads the fields and sets __dataclass_fields__, __match_args__, ...
    cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False)
    name = f"{cls.__module__}.{cls.__qualname__}"
    env = {"FrozenInstanceError": dataclasses.FrozenInstanceError, "HAS_DEFAULT_FACTORY": _HAS_DEFAULT_FACTORY}
    for f in dataclasses.fields(cls):
        env["type", f.name] = f.type
        if f.default_factory is not dataclasses.MISSING:
            env["default", f.name] = f.default_factory
        elif f.default is not dataclasses.MISSING:
            env["default", f.name] = f.default
    stored = _compiled().get(name)
    if stored is not None and stored[0] == fingerprint(cls):
        _, make, doc = stored
    else:
        namespace: dict = {}
        exec(compile(source(cls), f"<{name} methods>", "exec", dont_inherit=True), namespace)
        make, doc = namespace["make"], None
    for method_name, method in zip(METHODS, make(cls, env)):
        if method_name == "__repr__":
            method = _recursive_repr(method)
        method.__qualname__ = f"{cls.__qualname__}.{method_name}"
        setattr(cls, method_name, method)
    flags = cls.__dataclass_params__
    flags.init = flags.repr = flags.eq = flags.frozen = True
    if own_doc is None:
        if doc is None:
            import inspect

            doc = cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
        cls.__doc__ = doc
    MADE[name] = cls, own_doc is None
    return cls


def copy_with(record, **changes):
    """`dataclasses.replace(record, **changes)` for a record `dataclass(frozen=True)` made here
    (`_frozen`: no `__post_init__`, no init-only fields, its fields in its instance dictionary),
    without what `replace` checks and works out again for every copy: for the thousands of nodes
    a repeated block call copies (`expand.Instance.replay`)."""
    cls = type(record)
    if MADE.get(f"{cls.__module__}.{cls.__qualname__}", (None,))[0] is not cls:
        return dataclasses.replace(record, **changes)
    fields = record.__dict__
    for name in changes:
        if name not in fields:
            raise TypeError(f"{cls.__qualname__} has no field {name!r}")
    new = object.__new__(cls)
    new.__dict__.update(fields)
    new.__dict__.update(changes)
    return new
