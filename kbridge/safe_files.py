"""The one way kbridge writes (and reads back) files in folders it does not control.

Exports, the static site, sync, backups, the search cache's meta file and sync state all name
their files by a path *relative to a root* the user chose. The root is trusted; everything below
it may have been planted by someone else (a hostile repository, a shared folder, a race). So:

- a path that leaves its root (absolute, or climbing out with `..`) is refused;
- no symbolic link is followed, neither in the folders below the root (each is opened with
  `O_NOFOLLOW | O_DIRECTORY` relative to its parent's descriptor) nor as the file itself;
- a file is written to a fresh temporary file in the same folder (`O_EXCL | O_NOFOLLOW`),
  re-validated after open (`fstat` matches the name, a regular file), flushed with `fsync`, then
  renamed over the old name (`os.replace`): a reader sees the old file or the new one, never half
  of one, and a full disk leaves the old file as it was and no empty one;
- reads take regular files only (`O_NONBLOCK | O_NOFOLLOW`, then `fstat` says S_ISREG) and at most
  a stated number of bytes, so a FIFO, a device or a huge file cannot hang or exhaust kbridge.

Used by every layer above `model` (like `kbridge.paths`)."""

from __future__ import annotations

import contextlib
import errno
import os
import posixpath
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kbridge.model import ConflictError, KbridgeError

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIR_FLAGS = os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | _O_CLOEXEC
_TEMP_PREFIX = ".kbridge-"
_TEMP_SUFFIX = ".tmp"


class UnsafePathError(KbridgeError):
    """A path kbridge refuses to write or read: outside its root, through a symbolic link, or
    not a regular file."""


class FileTooLargeError(UnsafePathError):
    pass


class FileWriteError(KbridgeError):
    """The system refused a write (a full disk, no permission); the old file is untouched."""


def inside(relative: str) -> tuple[str, ...]:
    """The parts of `relative` once `..` and `.` are resolved; UnsafePathError when it names no
    file below its root."""
    text = str(relative).replace("\\", "/") if os.sep == "\\" else str(relative)
    if "\x00" in text:
        raise UnsafePathError(f"{relative!r}: a path cannot contain a NUL character")
    if not text or text.startswith("/"):
        raise UnsafePathError(f"{relative!r}: not a path inside the folder")
    normal = posixpath.normpath(text)
    if normal in (".", "..") or normal.startswith("../"):
        raise UnsafePathError(f"{relative}: points outside the folder; not followed")
    return tuple(normal.split("/"))


def is_inside(relative: str) -> bool:
    try:
        inside(relative)
    except UnsafePathError:
        return False
    return True


# --- folders ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _folder(root: Path, parts: tuple[str, ...], *, create: bool, mode: int) -> Iterator[int]:
    """A descriptor of root/parts..., each part opened without following a symbolic link (and
    made, with `mode`, when `create`)."""
    if create:
        os.makedirs(root, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    try:
        for depth, part in enumerate(parts):
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, mode, dir_fd=fd)
                child = _open_dir_or_refuse(part, fd, parts[: depth + 1])
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _refusal(fd, part, parts[: depth + 1]) from error
                raise
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _open_dir_or_refuse(part: str, parent: int, shown: tuple[str, ...]) -> int:
    try:
        return os.open(part, _DIR_FLAGS, dir_fd=parent)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise _refusal(parent, part, shown) from error
        raise


def _refusal(parent: int, name: str, shown: tuple[str, ...]) -> UnsafePathError:
    where = "/".join(shown)
    try:
        info = os.lstat(name, dir_fd=parent)
    except OSError:
        return UnsafePathError(f"{where}: changed while being opened; not followed")
    if stat.S_ISLNK(info.st_mode):
        return UnsafePathError(f"{where}: symbolic link; not followed")
    return UnsafePathError(f"{where}: not a folder")


# --- writing ----------------------------------------------------------------------------------


def write_file(root: Path, relative: str, data: bytes, *, overwrite: bool = True,
               mode: int | None = None, folder_mode: int = 0o755) -> Path:
    """Write `data` as root/relative, atomically and without following any symbolic link.

    `mode` None keeps the umask's default (0666 & ~umask); a number is set exactly (0600 for what
    only the owner may read). Returns the path written."""
    with replacing(root, relative, overwrite=overwrite, mode=mode, folder_mode=folder_mode) as pending:
        view = memoryview(data)
        while view:
            written = os.write(pending.fd, view)
            view = view[written:]
    return Path(root).joinpath(*inside(relative))


def write_text(root: Path, relative: str, text: str, **options: object) -> Path:
    return write_file(root, relative, text.encode("utf-8"), **options)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Pending:
    """A new temporary file beside its final name: write through `fd`, or through `path` for a
    writer that needs a name (SQLite's backup)."""

    fd: int
    path: Path


@contextlib.contextmanager
def replacing(root: Path, relative: str, *, overwrite: bool = True, mode: int | None = None,
              folder_mode: int = 0o755) -> Iterator[Pending]:
    """A new temporary file that becomes root/relative when the block ends without an error (and
    is removed when it does not); checked again before it is renamed into place."""
    parts = inside(relative)
    name = parts[-1]
    shown = "/".join(parts)
    try:
        with _folder(Path(root), parts[:-1], create=True, mode=folder_mode) as folder:
            _check_target(folder, name, shown, overwrite)
            temporary = f"{_TEMP_PREFIX}{secrets.token_hex(6)}{_TEMP_SUFFIX}"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC
            fd = os.open(temporary, flags, 0o666 if mode is None else mode, dir_fd=folder)
            try:
                try:
                    _same_file(fd, folder, temporary, shown)
                    if mode is not None:
                        os.fchmod(fd, mode)  # the umask may have narrowed it; `mode` is the promise
                    yield Pending(fd, Path(root).joinpath(*parts[:-1], temporary))
                    os.fsync(fd)
                    _same_file(fd, folder, temporary, shown)  # still ours, whoever wrote it
                finally:
                    os.close(fd)
                _put_in_place(folder, temporary, name, shown, overwrite)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary, dir_fd=folder)
                raise
            with contextlib.suppress(OSError):  # some file systems cannot sync a folder
                os.fsync(folder)
    except (UnsafePathError, ConflictError):
        raise
    except OSError as error:
        raise FileWriteError(f"could not write {Path(root) / shown}: {error.strerror or error} "
                             "(nothing was replaced)") from error


def _check_target(folder: int, name: str, shown: str, overwrite: bool) -> None:
    try:
        info = os.lstat(name, dir_fd=folder)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise UnsafePathError(f"{shown}: symbolic link; not written through")
    if not stat.S_ISREG(info.st_mode):
        raise UnsafePathError(f"{shown}: exists and is not a regular file; not replaced")
    if not overwrite:
        raise ConflictError(f"{shown} already exists")


def _same_file(fd: int, folder: int, name: str, shown: str) -> None:
    """What was opened is the regular file the name now points at (no swap since)."""
    opened = os.fstat(fd)
    named = os.lstat(name, dir_fd=folder)
    if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (named.st_dev, named.st_ino):
        raise UnsafePathError(f"{shown}: changed while being written; not written")


def _put_in_place(folder: int, temporary: str, name: str, shown: str, overwrite: bool) -> None:
    """Rename the finished file over `name`. A rename never follows a link planted meanwhile (it
    replaces the link itself); without `overwrite`, a hard link makes the no-clobber check atomic."""
    _check_target(folder, name, shown, overwrite)
    if not overwrite:
        try:
            os.link(temporary, name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
        except FileExistsError as error:
            raise ConflictError(f"{shown} already exists") from error
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS):
                raise
        else:
            os.unlink(temporary, dir_fd=folder)
            return
    os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)


def remove_file(root: Path, relative: str) -> bool:
    """Remove root/relative (a regular file, never through a symbolic link); False if missing."""
    parts = inside(relative)
    shown = "/".join(parts)
    try:
        with _folder(Path(root), parts[:-1], create=False, mode=0o755) as folder:
            try:
                info = os.lstat(parts[-1], dir_fd=folder)
            except FileNotFoundError:
                return False
            if not stat.S_ISREG(info.st_mode):
                kind = "symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
                raise UnsafePathError(f"{shown}: {kind}; not removed")
            os.unlink(parts[-1], dir_fd=folder)
            return True
    except FileNotFoundError:
        return False
    except OSError as error:
        raise FileWriteError(f"could not remove {Path(root) / shown}: {error.strerror or error}") from error


# --- reading ----------------------------------------------------------------------------------


def read_file(root: Path, relative: str, *, max_bytes: int, head: bool = False) -> bytes:
    """The bytes of root/relative: a regular file reached without a symbolic link, at most
    `max_bytes` long (FileTooLargeError beyond; with `head`, its first `max_bytes`). Never
    blocks on a FIFO or a device."""
    parts = inside(relative)
    shown = "/".join(parts)
    try:
        with _folder(Path(root), parts[:-1], create=False, mode=0o755) as folder:
            return _read_regular(parts[-1], folder, shown, max_bytes, head)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafePathError(f"{shown}: symbolic link; not followed") from error
        raise


def read_regular(path: Path, *, max_bytes: int) -> bytes:
    """The bytes of one file named by the user (its folders are trusted, the file is not)."""
    path = Path(path)
    fd = os.open(path.parent, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    try:
        return _read_regular(path.name, fd, str(path), max_bytes, False)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafePathError(f"{path}: symbolic link; not followed") from error
        raise
    finally:
        os.close(fd)


def _read_regular(name: str, folder: int, shown: str, max_bytes: int, head: bool) -> bytes:
    limit = None if head else max_bytes
    info = os.lstat(name, dir_fd=folder)
    _refuse_irregular(info, shown, limit)
    fd = os.open(name, os.O_RDONLY | _O_NONBLOCK | _O_NOFOLLOW | _O_CLOEXEC, dir_fd=folder)
    try:
        opened = os.fstat(fd)
        _refuse_irregular(opened, shown, limit)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise UnsafePathError(f"{shown}: changed while being opened; not read")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                if head:
                    return b"".join(chunks)[:max_bytes]
                raise FileTooLargeError(f"{shown}: grew over the {_size(max_bytes)} size cap while being read")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _refuse_irregular(info: os.stat_result, shown: str, max_bytes: int | None) -> None:
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        raise UnsafePathError(f"{shown}: symbolic link; not followed")
    if not stat.S_ISREG(mode):
        raise UnsafePathError(f"{shown}: not a regular file ({file_kind(mode)}); not read")
    if max_bytes is not None and info.st_size > max_bytes:
        raise FileTooLargeError(f"{shown}: file of {info.st_size:,} bytes is over the {_size(max_bytes)} size cap")


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words ("a named pipe")."""
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "special file"


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit:,} bytes"


# --- owner-only folders -------------------------------------------------------------------------


def private_folder(path: Path) -> Path:
    """`path` as a folder only its owner can enter (0700), made when missing."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if stat.S_IMODE(path.stat().st_mode) != 0o700:
        os.chmod(path, 0o700)
    return path


def restrict_tree(folder: Path) -> None:
    """Every folder below `folder` 0700 and every file 0600 (what a library wrote with the umask's
    modes); symbolic links are left alone and never followed."""
    for current, folders, files in os.walk(folder, followlinks=False):
        for name in folders:
            _chmod_quietly(Path(current) / name, 0o700)
        for name in files:
            _chmod_quietly(Path(current) / name, 0o600)


def _chmod_quietly(path: Path, mode: int) -> None:
    with contextlib.suppress(OSError, NotImplementedError):
        info = path.lstat()
        if not stat.S_ISLNK(info.st_mode) and stat.S_IMODE(info.st_mode) != mode:
            os.chmod(path, mode)  # inside an owner-only folder: nobody else can swap it meanwhile
