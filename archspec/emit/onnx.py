"""A built network as an ONNX model, through PyTorch's own exporter (torch.onnx, the torch.export
path that needs the `onnx` and `onnxscript` packages; nothing is downloaded). The model takes
`input` of shape (batch, *input_shape) with the batch dimension left open, and gives `output`."""

from __future__ import annotations

import contextlib
import io
import logging
import warnings

# The ONNX operator set the files are written in: the one PyTorch's exporter (onnxscript's torchlib)
# writes natively, so no version conversion runs. ONNX Runtime 1.14 and later and Netron read it.
OPSET = 18
INPUT_NAME, OUTPUT_NAME, BATCH = "input", "output", "batch"


class OnnxExportError(Exception):
    """PyTorch's exporter could not turn the module into an ONNX graph (its own message inside)."""


def missing_packages() -> list[str]:
    """The packages of `pip install 'archspec[onnx]'` that are not installed."""
    import importlib.util

    return [name for name in ("onnx", "onnxscript") if importlib.util.find_spec(name) is None]


def onnx_bytes(model, input_shape: tuple[int, ...]) -> bytes:
    """`model` (put in evaluation mode) as a serialised ONNX model of opset `OPSET`, its weights
    inside the file, the batch dimension dynamic. Raises OnnxExportError."""
    import torch

    model.eval()
    example = torch.zeros(2, *input_shape)  # 2, not 1: torch.export would fix a batch of 1 as a constant
    batch = torch.export.Dim(BATCH)
    quiet = io.StringIO()
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)  # "torchvision is not installed. Skipping torchvision::deform_conv2d"
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(quiet):
            warnings.simplefilter("ignore")
            program = torch.onnx.export(
                model,
                (example,),
                dynamo=True,
                verbose=False,
                input_names=[INPUT_NAME],
                output_names=[OUTPUT_NAME],
                dynamic_shapes=({0: batch},),
                opset_version=OPSET,
                external_data=False,
                report=False,
            )
            return program.model_proto.SerializeToString()
    except Exception as exc:  # the exporter raises its own errors and anything the trace meets
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise OnnxExportError(first) from exc
    finally:
        logger.setLevel(level)
