"""A service's private signing seeds, kept apart from its data: one JSON file only the owner
can read (0600) in a directory only the owner can enter (0700).

Created with those modes from the start (os.open, os.mkdir with the mode), never widened and
narrowed after: there is no moment at which another user could open them. Every change is a
new file moved over the old one under a lock, so a reader sees the old seeds or the new, never
half; a file readable by others is refused rather than used.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
from pathlib import Path
from typing import Iterator

from .config import ServiceSettings
from .tickets import SigningKey, b64, unb64

FORMAT = "forumops-signing-keys/1"


def key_file_path(settings: ServiceSettings) -> Path:
    """`<SERVICE>_SIGNING_KEYS_FILE`, else `keys/<service>-signing-keys.json` beside the
    databases' folder under FORUMOPS_VAR_DIR."""
    configured = settings.extra.get(f"{settings.service.upper()}_SIGNING_KEYS_FILE")
    return Path(configured) if configured else settings.var_dir / "keys" / f"{settings.service}-signing-keys.json"


class KeyFileError(RuntimeError):
    """The key file cannot be trusted or lacks a seed the database names as active."""


class KeyFile:
    def __init__(self, path: Path | str):
        self.path = Path(path)

    def find(self, kid: str) -> SigningKey | None:
        """The key `kid`, if its seed is here."""
        seed = self._read().get(kid)
        return SigningKey.from_seed(unb64(seed)) if seed else None

    def add(self, key: SigningKey) -> None:
        with self._changing() as seeds:
            seeds[key.kid] = b64(key.seed)

    def discard(self, *kids: str) -> None:
        """Forget seeds that sign nothing any more (their public halves stay published)."""
        with self._changing() as seeds:
            for kid in kids:
                seeds.pop(kid, None)

    def _read(self) -> dict[str, str]:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return {}
        with os.fdopen(fd, encoding="utf-8") as file:
            mode = os.fstat(file.fileno()).st_mode
            if stat.S_IMODE(mode) & 0o077:
                raise KeyFileError(f"{self.path} can be read by other users (mode {stat.S_IMODE(mode):o}): "
                                   f"make it the owner's only (chmod 600) before the service uses it")
            document = json.load(file)
        if document.get("format") != FORMAT:
            raise KeyFileError(f"{self.path} is not a ForumOps signing key file")
        return dict(document["keys"])

    @contextlib.contextmanager
    def _changing(self) -> Iterator[dict[str, str]]:
        """The seeds to change in place; written back as a new file when the block ends."""
        self._directory()
        with self._locked():
            seeds = self._read()
            yield seeds
            self._write(seeds)

    def _directory(self) -> None:
        with contextlib.suppress(FileExistsError):
            os.makedirs(self.path.parent, mode=0o700)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time across processes (gunicorn's workers, the keys command)."""
        fd = os.open(self.path.with_name(f".{self.path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _write(self, seeds: dict[str, str]) -> None:
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.new")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)  # left by a crash of this pid's predecessor
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump({"format": FORMAT, "keys": seeds}, file, indent=1, sort_keys=True)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename survives a power cut
        finally:
            os.close(directory)
