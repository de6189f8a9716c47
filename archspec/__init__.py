"""archspec: a compiler for convolutional-network architecture specs.

>>> import archspec
>>> net = archspec.loads("network Tiny\\ninput 1x28x28\\nconv 8 3x3 relu\\nflatten\\ndense 10\\n")
>>> net.output_shape, net.params
((10,), 54170)
"""

from .diagnostics import ArchspecError, Diagnostic
from .graph import Network
from .load import load, loads

__all__ = ["ArchspecError", "Diagnostic", "Network", "load", "loads"]
__version__ = "0.1.0"
