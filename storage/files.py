"""Private files: everything peerbot writes that holds member data or keys is created readable by
the bot's own user only (files 0600, directories 0700), whatever the process umask says.

Files are created with their mode (``os.open``), never loosened first and tightened after: there
is no moment when another user of the machine could open them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700
# Group and other bits: a private file or directory has none of them.
_SHARED_BITS = stat.S_IRWXG | stat.S_IRWXO


def private_dir(path: str | Path, *, with_contents: bool = False) -> Path:
    """Create `path` (and missing parents) as 0700; an existing directory that others can read
    or enter is tightened to 0700 (it may have been made by an older version or by hand), and
    with `with_contents` so is every file directly in it."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    tighten(path, DIR_MODE)
    if with_contents:
        for child in path.iterdir():
            tighten(child, DIR_MODE if child.is_dir() else FILE_MODE)
    return path


def tighten(path: str | Path, mode: int = FILE_MODE) -> None:
    """Remove group and other access from an existing file or directory (nothing if missing)."""
    try:
        current = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if current & _SHARED_BITS:
        try:
            os.chmod(path, mode)
        except OSError as err:  # not ours to change: say so, the operator can fix it
            log.warning("%s is readable by other users of this machine: %s", path, err)
            return
        log.warning("%s was readable by other users of this machine; it is now private", path)


def create_private(path: str | Path) -> None:
    """Create an empty 0600 file at `path`; FileExistsError if something is already there."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


@contextlib.contextmanager
def open_private(path: str | Path) -> Iterator[int]:
    """A new 0600 file at `path`, open for writing (a descriptor); FileExistsError if it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        yield fd
    finally:
        os.close(fd)


def write_private(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` as a 0600 file, replacing any file there in one step (a file that
    already existed keeps no old, looser mode: the new one takes its place)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with open_private(tmp) as fd:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def copy_private(source: str | Path, target: str | Path) -> None:
    """Copy `source` to a new 0600 file `target` (FileExistsError if it exists)."""
    with open(source, "rb") as src, open_private(target) as fd:
        while chunk := src.read(1 << 20):
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
        os.fsync(fd)


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files created meanwhile by code that does not take a mode (a library's own store) get
    0600/0700. The umask is per process: other threads' new files are only made stricter."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)
