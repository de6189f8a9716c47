"""Training checkpoints: written whole or not at all, and read back only for the spec they were saved from."""

from __future__ import annotations

import contextlib
import os
from typing import Any

import torch

from archspec.training.traindata import ModelSpec, TrainError

FORMAT = "archspec-checkpoint/1"


def save(path: str, payload: dict[str, Any]) -> None:
    """Write `payload` to `path` atomically: into a temporary file beside it, flushed to disk, then
    renamed over the old checkpoint. An interrupted or failed write leaves the previous one intact."""
    path = os.path.abspath(path)
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            torch.save({"format": FORMAT, **payload}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:  # KeyboardInterrupt included: never leave the temporary file behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def load(path: str) -> dict[str, Any]:
    """Read a checkpoint `save` wrote (tensors and plain data only: nothing in it is executed)."""
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise TrainError(f"--resume {path}: no such checkpoint") from None
    except IsADirectoryError:
        raise TrainError(f"--resume {path}: is a folder, not a checkpoint") from None
    except OSError as exc:
        raise TrainError(f"--resume {path}: cannot be read ({exc.strerror})") from None
    except Exception:  # unpickling garbage raises almost anything: KeyError, IndexError, UnicodeDecodeError, ...
        payload = None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise TrainError(f"--resume {path}: not a checkpoint written by `archspec train --save`")
    return payload


def check_matches(payload: dict[str, Any], path: str, spec: ModelSpec, classes: tuple[str, ...], optimizer: str):
    """Refuse to resume from a checkpoint of another network, other classes or another optimizer."""
    saved = payload["spec"]
    if saved["fingerprint"] != spec.fingerprint:
        same_name = saved["name"] == spec.name
        which = f"an earlier version of `{spec.name}`" if same_name else f"`{saved['name']}`"
        raise TrainError(
            f"--resume {path}: the checkpoint is of {which} ({saved['file']}), whose layers differ from "
            f"{spec.file}; resume with the spec it was saved from, or start afresh without --resume"
        )
    if tuple(payload["classes"]) != classes:
        raise TrainError(
            f"--resume {path}: the checkpoint was trained on the classes {', '.join(payload['classes'])}, "
            f"not {', '.join(classes)}"
        )
    if payload["optimizer_name"] != optimizer:
        raise TrainError(
            f"--resume {path}: the checkpoint was trained with --optimizer {payload['optimizer_name']}; "
            f"pass the same optimizer to resume"
        )
