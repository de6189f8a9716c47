"""Writing output files whole or not at all."""

from __future__ import annotations

import os
import tempfile


def write_atomically(files: dict[str, bytes]) -> None:
    """Write each path's data to a temporary file beside it, then rename them all: readers never
    see half a file, and when any temporary file cannot be made or written (a missing folder, no
    permission), none of the paths is touched. Raises OSError."""
    temps: list[str] = []
    try:
        for path, data in files.items():
            try:
                fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".archspec-", suffix=".tmp")
            except OSError as err:  # name the file asked for, not the temporary one
                raise OSError(err.errno, err.strerror, path) from err
            temps.append(tmp)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a written file is not
        for tmp, path in zip(temps, files):
            try:
                os.replace(tmp, path)
            except OSError as err:  # a folder in the way
                raise OSError(err.errno, err.strerror, path) from err
    except BaseException:
        for tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
