"""Atomic file output: a reader never sees a half-written file."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_file(path: Path, like: os.stat_result | None = None) -> Iterator[BinaryIO]:
    """A file that appears at `path`, complete, only when the block ends without an error.

    `like`: the status of the file being rewritten, whose mode and owner the new file keeps."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if like is None:
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give outputs the usual permissions
        else:
            if (like.st_uid, like.st_gid) != (os.getuid(), os.getgid()):
                os.chown(tmp, like.st_uid, like.st_gid)
            os.chmod(tmp, stat.S_IMODE(like.st_mode))
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes | str, like: os.stat_result | None = None) -> None:
    with atomic_file(path, like) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
