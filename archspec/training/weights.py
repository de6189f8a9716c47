"""Loading a local state_dict file into a built network, or into a named part of it (the base of a
transfer-learning model). Nothing is downloaded: the file is a `torch.save`d state dict (torchvision's
`.pth` files are), an `archspec train --save` checkpoint, or a dict holding a `state_dict`."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
from torch import nn

from archspec.diagnostics import did_you_mean

SHOWN = 8  # keys listed per kind of mismatch; the rest are counted


class WeightsError(Exception):
    """A weight file that cannot be read (`unreadable`), or whose keys or shapes are not the module's."""

    def __init__(self, message: str, unreadable: bool = False):
        super().__init__(message)
        self.unreadable = unreadable


@dataclass(frozen=True)
class Loaded:
    """What `load_weights` did: the part loaded into ("" for the whole network), the tensors
    loaded, and the file's entries that lie outside the part (not used)."""

    part: str
    file: str
    tensors: int
    skipped: int

    def __str__(self) -> str:
        into = f"`{self.part}`" if self.part else "the network"
        skipped = f"; {self.skipped} entries of the file outside `{self.part}` not used" if self.skipped else ""
        return f"loaded {self.tensors} tensors from {self.file} into {into}{skipped}"


def parse_weights_option(text: str) -> tuple[str, str]:
    """`--weights FILE` -> ("", FILE); `--weights PART=FILE` -> (PART, FILE)."""
    part, sep, path = text.partition("=")
    if sep and part and all(p.isidentifier() or p.isdigit() for p in part.split(".")):
        return part, path
    return "", text


def read_state_dict(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """The tensors a weight file holds, read without executing anything in it (`weights_only`)."""
    path = os.fspath(path)
    return state_dict_of(read_file(path), path)


def read_file(path: str) -> object:
    """What `torch.save` wrote to `path`, read without executing anything in it (`weights_only`)."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise WeightsError(f"{path}: no such file", unreadable=True) from None
    except IsADirectoryError:
        raise WeightsError(f"{path}: is a folder, not a weight file", unreadable=True) from None
    except OSError as exc:
        raise WeightsError(f"{path}: cannot be read ({exc.strerror or exc})", unreadable=True) from None
    except Exception:  # unpickling garbage raises almost anything
        raise WeightsError(f"{path}: not a PyTorch weight file (torch.save of a state_dict)") from None


def state_dict_of(payload: object, path: str) -> dict[str, torch.Tensor]:
    """The state dict in what a weight file held: the file itself, a checkpoint's `model` or a
    dict's `state_dict`."""
    if isinstance(payload, dict) and isinstance(payload.get("model"), dict) and "format" in payload:
        payload = payload["model"]  # an `archspec train --save` checkpoint
    elif isinstance(payload, dict) and isinstance(payload.get("state_dict"), dict):
        payload = payload["state_dict"]
    if (
        not isinstance(payload, dict)
        or not payload
        or not all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in payload.items())
    ):
        raise WeightsError(f"{path}: holds no state_dict (a dict of tensors by name)")
    return payload


def reason(err: WeightsError, path: str) -> str:
    """The error without the file's name in front (`no such file`), for a message that names the
    option it came from (`--weights nothere.pt: no such file`)."""
    text = str(err)
    for prefix in (f"{path}: ", f"{path} "):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def load_weights(model: nn.Module, path: str | os.PathLike, part: str = "") -> Loaded:
    """Load the weight file at `path` into `model`, or into its submodule `part`.

    Into a part, the file's entries under `part.` are taken (a whole network's state dict, e.g.
    torchvision's VGG-16 file into `features`) and the others are left; a file with no entry under
    `part.` is taken as the part's own state dict. Either way every tensor of the target must be in
    the file with its shape, and nothing else may be: otherwise a WeightsError lists the missing,
    unexpected and mis-shaped keys, and the module is left unchanged."""
    _submodule(model, part)  # a part the network does not have is named before the file is read
    return load_state_dict(model, read_state_dict(path), os.fspath(path), part)


def load_state_dict(
    model: nn.Module, state: dict[str, torch.Tensor], path: str, part: str = "", parts: bool = True
) -> Loaded:
    """`load_weights` for a state dict already read from the file at `path`; `parts=False` where
    the caller cannot load into a part (no PART=FILE hint)."""
    target = _submodule(model, part)
    skipped = 0
    if part and any(k.startswith(part + ".") for k in state):
        inside = {k[len(part) + 1 :]: v for k, v in state.items() if k.startswith(part + ".")}
        skipped = len(state) - len(inside)
        state = inside
    own = target.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    misshaped = [
        f"{k} (file {_shape(state[k])}, module {_shape(own[k])})"
        for k in own
        if k in state and state[k].shape != own[k].shape
    ]
    if missing or unexpected or misshaped:
        into = f"`{part}`" if part else "the network"
        problems = [
            _listed("missing from the file", missing),
            _listed("not in " + into, unexpected),
            _listed("of another shape", misshaped),
        ]
        hint = ""
        if part and not skipped and unexpected:
            hint = f"; is the file a whole network's? its keys would start with `{part}.`"
        elif not part and missing and unexpected and parts:
            hint = "; to load into a part only, write PART=FILE (e.g. --weights features=vgg16.pth)"
        raise WeightsError(f"{path} does not fit {into}: " + "; ".join(p for p in problems if p) + hint)
    target.load_state_dict(state, strict=True)
    return Loaded(part, path, len(state), skipped)


def _submodule(model: nn.Module, part: str) -> nn.Module:
    if not part:
        return model
    try:
        return model.get_submodule(part)
    except AttributeError:
        names = [name for name, _ in model.named_modules() if name]
        hint = did_you_mean(part, names) or "the top-level parts are " + ", ".join(n for n, _ in model.named_children())
        raise WeightsError(f"the network has no part `{part}`; {hint}") from None


def _listed(what: str, keys: list[str]) -> str:
    if not keys:
        return ""
    shown = ", ".join(keys[:SHOWN]) + (f" and {len(keys) - SHOWN} more" if len(keys) > SHOWN else "")
    return f"{len(keys)} {what} ({shown})"


def _shape(t: torch.Tensor) -> str:
    return "x".join(str(d) for d in t.shape) or "scalar"
