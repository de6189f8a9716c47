"""archspec: a compiler for convolutional-network architecture specs.

>>> import archspec
>>> net = archspec.loads("network Tiny\\ninput 1x28x28\\nconv 8 3x3 relu\\nflatten\\ndense 10\\n")
>>> net.output_shape, net.params
((10,), 54170)
"""

from archspec.analysis.graph import Network
from archspec.analysis.load import instantiate, load, loads
from archspec.diagnostics import ArchspecError, Diagnostic

__all__ = [
    "ArchspecError", "Diagnostic", "Network", "WeightsError", "build", "from_torch", "instantiate", "load", "loads",
]  # fmt: skip
__version__ = "0.1.0"


def __getattr__(name: str):
    # `archspec.build` imports torch: only when it is asked for, so that `import archspec` stays light
    if name == "build":
        from archspec.emit.build import build

        return build
    if name == "from_torch":
        from archspec.frontend.from_torch import from_torch

        return from_torch
    if name == "WeightsError":
        from archspec.training.weights import WeightsError

        return WeightsError
    raise AttributeError(f"module 'archspec' has no attribute {name!r}")
