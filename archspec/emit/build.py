"""`archspec.build`: a spec -> a PyTorch module, by executing the very source `archspec compile`
writes (one path: what users read is what runs). torch is imported here, only when a module is built."""

from __future__ import annotations

import linecache
import os
import re
import types
from typing import Any

from archspec.analysis.graph import Network
from archspec.analysis.load import load, loads
from archspec.diagnostics import ArchspecError
from archspec.emit.pytorch import CodegenError, generate

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def build(
    spec_or_path: Network | str | os.PathLike,
    weights: str | os.PathLike | dict[str, str | os.PathLike] | None = None,
    **block_args: Any,
):
    """Build the network of a spec as a `torch.nn.Module` (in training mode, freshly initialised).

    `spec_or_path` is an analysed `Network`, a path to a `.arch` file (a `str` without a newline
    or an `os.PathLike`), or spec text (a `str` with a newline in it).

    With `block=NAME`, the module is that block definition of the file on its own, called with the
    other keyword arguments and an `input` shape (`"256x56x56"` or a tuple):
    `build("specs/blocks.arch", block="bottleneck", input="256x56x56", width=64)`.

    `weights` loads a local state_dict file (nothing is downloaded) into the module: a path for the
    whole network, or `{PART: path}` for named parts, as `{"features": "vgg16.pth"}` loads the
    `features.*` entries of torchvision's VGG-16 file into the spec's `features` (see
    `archspec.training.weights.load_weights`; a file that does not fit raises `WeightsError` listing the
    missing, unexpected and mis-shaped keys).

    The module's forward takes a batch `(N, *input_shape)` and returns `(N, *output_shape)`.
    Raises `ArchspecError` for a spec that does not check or cannot be written as a module, with
    every diagnostic."""
    block = block_args.pop("block", None)
    if block is not None:
        model = _build_block(spec_or_path, block, block_args)
    elif block_args:
        raise TypeError(f"unexpected arguments {', '.join(block_args)}: block arguments need `block=NAME`")
    else:
        model = module_of(_network(spec_or_path))
    if weights is not None:
        from archspec.training.weights import load_weights

        parts = weights if isinstance(weights, dict) else {"": weights}
        for part, path in parts.items():
            load_weights(model, path, part)
    return model


def module_of(net: Network, class_name: str | None = None):
    """Instantiate the network's class from the generated source, in a fresh module namespace."""
    _require_torch()
    try:
        source = generate(net, class_name)
    except CodegenError as err:  # checks clean, but cannot be a module (a layer named `forward`, ...)
        raise ArchspecError([err.diagnostic]) from None
    name = class_name or _class_of(source)
    namespace = types.ModuleType(f"archspec_generated_{name}")
    namespace.__file__ = f"<archspec compile {net.file}>"
    # tracebacks through the module show the generated lines, as for a file on disk
    linecache.cache[namespace.__file__] = (len(source), None, source.splitlines(True), namespace.__file__)
    exec(compile(source, namespace.__file__, "exec"), namespace.__dict__)
    return getattr(namespace, name)()


def _require_torch() -> None:
    """Say what to install before running source whose first line would fail on `import torch`."""
    try:
        import torch  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"archspec.build needs PyTorch ({exc}); install it with: pip install 'archspec[torch]' "
            "(or: pip install torch). `archspec compile` writes the source without it."
        ) from None


def _class_of(source: str) -> str:
    """The network's class: the last class of the file."""
    return re.findall(r"^class (\w+)\(", source, re.M)[-1]


def _network(spec_or_path: Network | str | os.PathLike) -> Network:
    if isinstance(spec_or_path, Network):
        return spec_or_path
    if isinstance(spec_or_path, str) and "\n" in spec_or_path:
        return loads(spec_or_path)
    if isinstance(spec_or_path, (str, os.PathLike)):
        return load(spec_or_path)
    raise TypeError(f"expected a Network, a path or spec text, not {type(spec_or_path).__name__}")


def _build_block(spec_or_path: Network | str | os.PathLike, block: str, args: dict[str, Any]):
    """One block definition as a module of its own: the block called once, analysed without a spec."""
    from archspec.analysis.load import _raise_or_return, instantiate

    if isinstance(spec_or_path, Network) or (isinstance(spec_or_path, str) and "\n" in spec_or_path):
        raise TypeError("`block=` builds a block of a file: pass the file's path")
    shape, values = block_call(block, args)
    model = module_of(_raise_or_return(instantiate(spec_or_path, block, values, shape)))
    return getattr(model, block)


def block_call(block: str, args: dict[str, Any]) -> tuple[tuple[int, ...], dict[str, Any]]:
    """The input shape and the arguments of a call of block `block`, from `args` (its `input` shape
    among them, `"256x56x56"` or a tuple): how `build(..., block=...)` and `archspec render --block`
    take one block alone. ValueError or TypeError for a bad block name, input shape or argument."""
    args = dict(args)
    shape = args.pop("input", None)
    if not isinstance(block, str) or not _NAME.match(block):
        raise ValueError(f"`block` must be a block's name, not {block!r}")
    if shape is None:
        raise TypeError("building a block needs its `input` shape, e.g. input='256x56x56'")
    dims = shape if isinstance(shape, str) else "x".join(str(int(d)) for d in shape)
    if not re.fullmatch(r"\d+(x\d+)*", dims):
        raise ValueError(f"`input` must be a shape like '256x56x56', not {shape!r}")
    for key, value in args.items():
        _spec_value(key, value)  # a name and a value a spec could write
    return tuple(int(d) for d in dims.split("x")), args


def _spec_value(key: str, value: Any) -> str:
    """A block argument as spec text: a number, a word, or a tuple of numbers."""
    if not _NAME.match(key):
        raise ValueError(f"`{key}` is not a block parameter name")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, tuple) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return "(" + ", ".join(str(v) for v in value) + ")"
    if isinstance(value, str) and _NAME.match(value):
        return value
    raise ValueError(f"block argument `{key}` must be a number, a word or a tuple of whole numbers, not {value!r}")
