"""Python names and literals for generated source: what may stand in the text `archspec compile`
writes. Nothing a spec writes reaches that text except through these checks."""

from __future__ import annotations

import keyword
import math
import re
from typing import Any

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")

# attributes and methods of nn.Module and nn.Sequential (torch 2.13): a layer named `forward` or
# `to` cannot be a submodule attribute. tests/test_codegen.py checks the list against torch.
MODULE_ATTRIBUTES = frozenset(
    [
        "T_destination",
        "add_module",
        "apply",
        "bfloat16",
        "buffers",
        "call_super_init",
        "children",
        "compile",
        "cpu",
        "cuda",
        "double",
        "dump_patches",
        "eval",
        "extra_repr",
        "float",
        "forward",
        "get_buffer",
        "get_extra_state",
        "get_parameter",
        "get_submodule",
        "half",
        "ipu",
        "load_state_dict",
        "modules",
        "mtia",
        "named_buffers",
        "named_children",
        "named_modules",
        "named_parameters",
        "parameters",
        "register_backward_hook",
        "register_buffer",
        "register_forward_hook",
        "register_forward_pre_hook",
        "register_full_backward_hook",
        "register_full_backward_pre_hook",
        "register_load_state_dict_post_hook",
        "register_load_state_dict_pre_hook",
        "register_module",
        "register_parameter",
        "register_state_dict_post_hook",
        "register_state_dict_pre_hook",
        "requires_grad_",
        "set_extra_state",
        "set_submodule",
        "share_memory",
        "state_dict",
        "to",
        "to_empty",
        "train",
        "training",
        "type",
        "xpu",
        "zero_grad",
        "append",
        "extend",
        "insert",
        "pop",
    ]
)
# names of the emitted file itself: its imports, the forward's argument and the builtins it calls
RESERVED = frozenset(
    {"torch", "nn", "self", "x", "super", "int", "float", "bool", "tuple", "range", "isinstance", "getattr", "None"}
    | {"min", "max", "round", "abs"}  # the functions an expression of the spec is written with
)


def literal(value: Any) -> str:
    """A value as Python source. Only numbers, booleans, None, plain words and tuples of these get
    through: nothing a spec writes can turn into code."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return repr(value)
        return f'float("{value}")'  # inf, -inf, nan
    if isinstance(value, str) and IDENT.match(value):
        return f'"{value}"'  # letters, digits and `_` only: nothing to escape
    if isinstance(value, tuple):
        items = ", ".join(literal(v) for v in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    raise ValueError(f"no literal for {value!r}")


MODULE_PATH = re.compile(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*\Z")


def path_literal(path: str) -> str:
    """A submodule's dotted path (`layer4.0.downsample.0`) as a string literal."""
    if not MODULE_PATH.match(path):
        raise ValueError(f"no literal for the module path {path!r}")
    return f'"{path}"'


def comment_text(text: str) -> str:
    """Text for a `#` comment: characters that could end the line are replaced."""
    return "".join(c if c.isprintable() else "?" for c in text)


def class_name_for(name: str) -> str:
    """`bottleneck` -> `Bottleneck`, `conv_bn` -> `ConvBn`."""
    parts = [p for p in name.split("_") if p]
    camel = "".join(p[0].upper() + p[1:] for p in parts) or "Block"
    return camel if not camel[0].isdigit() else "Block" + camel


def valid_class_name(name: str) -> bool:
    return bool(IDENT.match(name)) and not keyword.iskeyword(name) and name not in RESERVED


def sanitise(name: str) -> str:
    name = re.sub(r"\W", "_", name)
    if name.startswith("__"):  # `__class__` and the like mean something to Python inside a class
        name = name.strip("_") + "_"
    if not IDENT.match(name) or keyword.iskeyword(name) or name in RESERVED:
        name += "_"
    return name


def fresh(name: str, taken: set[str]) -> str:
    name = sanitise(name)
    base, n = name, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    return name
