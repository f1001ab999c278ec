"""Atomic file output: a reader never sees a half-written file, nor half of a set of files.

An OS error while writing (a full disk, a file where a folder should be, no permission) is reported
as a located problem (exit code 2) naming the file that could not be written, never a traceback.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from engine.errors import InputError
from engine.i18n import MESSAGES, both, message
from engine.text import Text


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def reason(exc: OSError) -> Text:
    """Why an OS call failed, in both languages (the system's own words for the rarer errors)."""
    name = errno.errorcode.get(exc.errno or 0, "")
    if f"out.{name}" in MESSAGES:
        return message(f"out.{name}")
    text = exc.strerror or str(exc)
    return Text(zh=text, en=text)


def unwritable(path: Path, exc: OSError) -> InputError:
    """The located problem `path: 无法写入：… / cannot write: …` (exit 2)."""
    return InputError.one(str(path), both("out.unwritable", why=reason(exc)))


@contextmanager
def output_errors(path: Path) -> Iterator[None]:
    """An OS error inside the block (writing `path`) becomes the located problem (exit 2)."""
    try:
        yield
    except OSError as exc:
        raise unwritable(path, exc) from None


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
    with output_errors(path), atomic_file(path, like) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def write_files(folder: Path, files: Mapping[str, bytes]) -> None:
    """All of `files` into `folder`, or none of them: each is written in full into a temporary folder
    beside them first (where a full disk fails), and only then renamed into place."""
    with output_errors(folder):
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".hegui-", suffix=".tmp", dir=folder))
    try:
        for name, data in files.items():
            with output_errors(folder / name), (staging / name).open("wb") as fh:  # mode from the umask
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for name in files:  # a folder in a file's place would stop the renames half-way: refused first
            if (folder / name).is_dir():
                with output_errors(folder / name):
                    raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        for name in files:
            with output_errors(folder / name):
                os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
