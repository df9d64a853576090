"""Folders written whole where the user asks (the report site, the exports, the site's assets),
and what in them is the Observatory's.

A folder is the Observatory's only when its marker (``MARKER``) says so: the tool, its version
and every file it wrote with its SHA-256. Folders written before the marker existed (d02274e) are
recognised by their own manifest's keys (``LEGACY``). A new folder is built beside the old one
and swapped in whole, so a web server never sees half a site. Every file of the old folder that
the marker does not list, or that changed since it was written, is carried into the new one
first (a hard link, or a copy), and after the swap one last sweep moves in what appeared
meanwhile. Nothing the Observatory did not write is deleted."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from observatory import __version__
from observatory.errors import OutputError
from observatory.sources.base import file_sha256

MARKER = ".observatory-files.json"
TOOL = "observatory"
NESTED = ("assets",)  # the one sub-folder rewritten on its own (`serve` refreshes the assets)
SHOWN = 10  # user files named in the line that says what was kept

# The folders d02274e wrote, recognised by their manifest's own keys or the assets' stamp.
REPORT_KEYS = frozenset({"generated_at", "home", "tool_version", "method_version", "live",
                         "images", "pages"})
EXPORT_KEYS = frozenset({"generated_at", "method_version", "tool_version", "files",
                         "not_exported"})
ASSET_NAMES = ("VERSION", "vega.js", "site.css", "site.js")
STAMP = re.compile(r"observatory \S+, vl-convert \S+")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")  # a page or table name a legacy manifest lists

Claims = dict[str, str | None]  # path relative to the folder -> SHA-256 (None: d02274e, no hash)


@dataclass
class Written:
    """A folder written whole, and what of the user's it kept."""

    path: Path
    kept: list[str] = field(default_factory=list)  # the user's files (and empty folders, "x/")
    renamed: dict[str, str] = field(default_factory=dict)  # a changed file the build rewrote -> kept as
    left: Path | None = None  # the old folder, left when something in it could not be moved

    def lines(self, what: str) -> list[str]:
        """What to tell the user: the files kept that are not the ``what``'s."""
        found = []
        if self.kept:
            more = len(self.kept) - SHOWN
            found.append(f"kept {len(self.kept)} file(s) that are not the {what}'s: "
                         + ", ".join(self.kept[:SHOWN]) + (f" and {more} more" if more > 0 else ""))
        found += [f"kept your changed {before} as {after} (the {what} writes a new {before})"
                  for before, after in self.renamed.items()]
        if self.left is not None:
            found.append(f"left {self.left}: something in it could not be moved into {self.path}; "
                         "take what you need from it, then remove it")
        return found


def _json(path: Path) -> Any:
    if path.is_symlink() or not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_marker(folder: Path) -> Claims | None:
    """The files the marker in ``folder`` says the Observatory wrote, with their SHA-256."""
    data = _json(folder / MARKER)
    if not isinstance(data, dict) or data.get("tool") != TOOL or not isinstance(data.get("files"), dict):
        return None
    return {str(name): digest for name, digest in data["files"].items() if isinstance(digest, str)}


def marker_bytes(files: dict[str, str]) -> bytes:
    return (json.dumps({"tool": TOOL, "version": __version__, "files": dict(sorted(files.items()))},
                       indent=1) + "\n").encode()


def _legacy_report(folder: Path) -> Claims | None:
    manifest = _json(folder / "manifest.json")
    if not isinstance(manifest, dict) or set(manifest) != REPORT_KEYS:
        return None
    if not isinstance(manifest["pages"], dict):
        return None
    names = {"index.html", "manifest.json", *(f"assets/{name}" for name in ASSET_NAMES)}
    for slug, page in manifest["pages"].items():
        if NAME.fullmatch(str(slug)):
            names.add(f"{slug}.html")
        tables = page.get("tables") if isinstance(page, dict) else None
        names |= {f"data/{t}.csv" for t in tables if NAME.fullmatch(str(t))} if isinstance(
            tables, list) else set()
    with contextlib.suppress(OSError):
        names |= {f"charts/{p.name}" for p in (folder / "charts").iterdir()
                  if p.suffix in (".png", ".svg")}
    return dict.fromkeys(names)


def _legacy_export(folder: Path) -> Claims | None:
    manifest = _json(folder / "manifest.json")
    if not isinstance(manifest, dict) or set(manifest) != EXPORT_KEYS:
        return None
    if not isinstance(manifest["files"], dict):
        return None
    names = {"manifest.json"}
    for name in filter(lambda n: NAME.fullmatch(str(n)), manifest["files"]):
        names |= {f"{name}.csv", f"{name}.json"}
    return dict.fromkeys(names)


def _legacy_assets(folder: Path) -> Claims | None:
    stamp = folder / "VERSION"
    try:
        if stamp.is_symlink() or not STAMP.fullmatch(stamp.read_text(encoding="utf-8").strip()):
            return None
    except (OSError, ValueError):
        return None
    return dict.fromkeys(ASSET_NAMES)


# By the file that names them (``marker`` of ``write_folder``): how d02274e's folders are told.
LEGACY: dict[str, tuple[Callable[[Path], Claims | None], ...]] = {
    "manifest.json": (_legacy_report, _legacy_export), "VERSION": (_legacy_assets,)}


def claims(folder: Path, marker: str | None = None) -> Claims | None:
    """What in ``folder`` the Observatory wrote, by its marker or (a folder of d02274e) by the
    layout its manifest names; None when the folder is not the Observatory's."""
    found = read_marker(folder)
    if found is not None:
        return found
    for name, recognisers in LEGACY.items():
        for recognise in recognisers if marker in (None, name) else ():
            found = recognise(folder)
            if found is not None:
                return found
    return None


class Ownership:
    """Every claim on a folder's files: its own, its ``assets/`` folder's (rewritten by `serve`),
    and for an ``assets/`` folder its site's. A file is the Observatory's when a claim names it
    and its SHA-256 is one claimed (any, for a claim of d02274e without one)."""

    def __init__(self, folder: Path, marker: str | None = None) -> None:
        self.hashes: dict[str, set[str | None]] = {}
        root = claims(folder, marker)
        self.ours = root is not None
        self._add(root or {}, "")
        nested = []
        for name in NESTED:
            sub = folder / name
            inner = claims(sub) if sub.is_dir() and not sub.is_symlink() else None
            if inner is not None:
                nested.append(name)
                self._add(inner, f"{name}/")
        if folder.name in NESTED:
            site = read_marker(folder.parent) or {}
            prefix = f"{folder.name}/"
            listed = {k[len(prefix):]: v for k, v in site.items() if k.startswith(prefix)}
            self._add(listed, "")
            self.ours = self.ours or bool(listed)  # the site's marker lists it: a part of it
        if not self.ours and folder.is_dir():  # e.g. only the assets `serve` wrote: ours too
            with contextlib.suppress(OSError):
                self.ours = bool(nested) and all(p.name in nested for p in folder.iterdir())
        self.dirs = {str(PurePosixPath(name).parent) for name in self.hashes} - {"."}
        self.dirs |= {str(parent) for name in self.dirs for parent in PurePosixPath(name).parents}
        self.dirs -= {"."}

    def _add(self, found: Claims, prefix: str) -> None:
        for name, digest in found.items():
            self.hashes.setdefault(prefix + name, set()).add(digest)

    def owns(self, path: Path, rel: str) -> bool:
        """Whether the file at ``path`` (``rel`` in the folder) is one the Observatory wrote and
        nobody changed since."""
        parts = PurePosixPath(rel).parts
        if parts[-1] == MARKER and (len(parts) == 1 or (len(parts) == 2 and parts[0] in NESTED)):
            return read_marker(path.parent) is not None
        hashes = self.hashes.get(rel)
        if not hashes or path.is_symlink() or not path.is_file():
            return False
        known = hashes - {None}
        return not known or file_sha256(path) in known


def check_replaceable(out: Path, marker: str | None = None) -> Path:
    """``out`` as an absolute path, when it may be written whole: new, empty, or a folder the
    Observatory wrote (``Ownership``); never a file, a link, or a folder of the user's."""
    out = out.absolute()
    if out.is_symlink():
        raise OutputError(out, f"a symbolic link: give the folder it points to "
                          f"({os.path.realpath(out)})")
    if out.exists() and not out.is_dir():
        raise OutputError(out, "a file is in the way")
    if out.parent == out:
        raise OutputError(out, "cannot replace the root folder")
    if out.is_dir() and any(out.iterdir()) and not Ownership(out, marker).ours:
        raise OutputError(out, f"the folder holds files the Observatory did not write (no {MARKER}, "
                          "no manifest of an earlier report or export): give a new or empty folder")
    return out


def _entries(folder: Path) -> Iterator[tuple[str, Path, bool]]:
    """Everything in ``folder`` a user may own: files and links (False), empty folders (True),
    by path relative to it."""
    for top, dirs, files in os.walk(folder):
        base = Path(top)
        links = [d for d in dirs if (base / d).is_symlink()]  # not followed: a link is a leaf
        dirs[:] = sorted(d for d in dirs if d not in links)
        for name in sorted([*files, *links]):
            yield (base / name).relative_to(folder).as_posix(), base / name, False
        if not dirs and not files and not links and base != folder:
            yield base.relative_to(folder).as_posix(), base, True


def _same(first: Path, second: Path) -> bool:
    """Whether two entries hold the same thing: one file (linked), equal content, or links to the
    same target."""
    try:
        if first.is_symlink() or second.is_symlink():
            return first.is_symlink() and second.is_symlink() and os.readlink(first) == os.readlink(second)
        return os.path.samefile(first, second) or (first.is_file() and second.is_file()
                                                   and file_sha256(first) == file_sha256(second))
    except OSError:
        return False


class _Carrier:
    """Moves the user's entries of ``old`` into ``new`` (the folder being swapped in), each at
    its own path, or beside a file of the build that has its path."""

    def __init__(self, old: Path, new: Path, ownership: Ownership, written: Written) -> None:
        self.old, self.new, self.ownership, self.written = old, new, ownership, written
        self.carried: dict[str, str] = {}  # path in old -> path in new
        self.moved: dict[str, str] = {}  # a renamed path (a file, or a folder in the way) -> where

    def _aside(self, rel: str) -> str:
        path = PurePosixPath(rel)
        for n in range(1, 10_000):
            name = f"{path.stem}.kept{'' if n == 1 else f'-{n}'}{path.suffix}"
            candidate = str(path.with_name(name))
            if not os.path.lexists(self.new / candidate) and not os.path.lexists(self.old / candidate):
                return candidate
        raise OutputError(self.new, f"no free name to keep {rel} under")

    def _place(self, rel: str, folder: bool) -> str:
        """Where ``rel`` goes in the new folder: its own path, unless the build wrote something
        there (a file, or a file where ``rel`` has a folder)."""
        parts = rel.split("/")
        placed: list[str] = []
        for i, part in enumerate(parts):
            own = "/".join(parts[: i + 1])
            if own in self.moved:
                placed = self.moved[own].split("/")
                continue
            candidate = "/".join([*placed, part])
            target = self.new / candidate
            last = i == len(parts) - 1
            is_dir = target.is_dir() and not target.is_symlink()
            if os.path.lexists(target) and not (is_dir and (folder or not last)):
                self.moved[own] = candidate = self._aside(candidate)
            placed = candidate.split("/")
        return "/".join(placed)

    def _record(self, rel: str, placed: str, folder: bool) -> None:
        self.carried[rel] = placed
        self.written.kept.append(f"{rel}/" if folder else rel)
        if placed != rel:
            self.written.renamed[rel] = placed

    def carry(self) -> None:
        """Before the swap: link (or copy) every entry the Observatory does not own."""
        for rel, path, folder in _entries(self.old):
            if (rel in self.ownership.dirs) if folder else self.ownership.owns(path, rel):
                continue
            placed = self._place(rel, folder)
            target = self.new / placed
            if folder:
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                _link(path, target)
            self._record(rel, placed, folder)

    def sweep(self) -> bool:
        """After the swap: remove what the Observatory owns and was carried, move in what
        appeared or changed meanwhile; True when the old folder is gone."""
        for rel, path, folder in _entries(self.old):
            if folder:
                if rel not in self.ownership.dirs and rel not in self.carried:
                    placed = self._place(rel, True)
                    (self.new / placed).mkdir(parents=True, exist_ok=True)
                    self._record(rel, placed, True)
            elif rel in self.carried:
                target = self.new / self.carried[rel]
                if _same(path, target):
                    path.unlink()
                else:  # changed after it was carried: its newest version
                    os.replace(path, target)
            elif self.ownership.owns(path, rel):
                path.unlink()
            else:  # appeared since the carry
                placed = self._place(rel, False)
                (self.new / placed).parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, self.new / placed)
                self._record(rel, placed, False)
        for top, _, _ in os.walk(self.old, topdown=False):
            with contextlib.suppress(OSError):
                os.rmdir(top)  # only when empty: what appears now stays, and is swept again
        return not os.path.lexists(self.old)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        elif source.is_file():
            shutil.copy2(source, target)
        else:
            raise


def _undo(out: Path, work: Path, old: Path) -> None:
    """A build stopped before its swap: the old folder back in its place, the new one gone."""
    with contextlib.suppress(OSError):
        if os.path.lexists(old) and not os.path.lexists(out):
            os.replace(old, out)
    shutil.rmtree(work, ignore_errors=True)


def swap_in(out: Path, fill: Callable[[Path], None], marker: str | None = None) -> Written:
    """Fill a folder beside ``out`` (``fill`` writes the Observatory's files), mark it, carry
    the user's entries of the old folder into it, then swap it in: a reader never sees half of
    it, and a failure before the swap leaves the old one as it was."""
    out = check_replaceable(out, marker)
    written = Written(out)
    work = out.with_name(f".{out.name}.tmp-{uuid.uuid4().hex[:8]}")
    old = out.with_name(f".{out.name}.old-{uuid.uuid4().hex[:8]}")
    try:
        work.mkdir(parents=True)
        fill(work)
        if os.path.lexists(work / MARKER):
            raise OutputError(out, f"refusing to write {MARKER!r}: it is the Observatory's marker")
        files = {rel: file_sha256(path) for rel, path, folder in _entries(work) if not folder}
        (work / MARKER).write_bytes(marker_bytes(files))
        carrier = _Carrier(out, work, Ownership(out, marker), written) if out.exists() else None
        if carrier is not None:
            carrier.carry()
            os.replace(out, old)
        os.replace(work, out)
    except BaseException as exc:
        _undo(out, work, old)
        if isinstance(exc, OSError):
            raise OutputError(out, exc.strerror or str(exc)) from exc
        raise
    if carrier is not None:
        carrier.old, carrier.new = old, out
        for _ in range(3):  # another sweep when something appeared during the last
            try:
                if carrier.sweep():
                    break
            except OSError:
                break
        if os.path.lexists(old):
            written.left = old
    written.kept.sort()
    return written
