"""Folders written whole where the user asks: the Observatory's marker says which files are its
own, everything else in the folder (the user's files, its own files the user changed, what
appears while it is replaced) is kept; a folder that is not the Observatory's is refused."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from observatory import __version__
from observatory.errors import OutputError
from observatory.store import outputs
from observatory.store.exports import write_export_folder, write_folder
from observatory.store.outputs import MARKER, check_replaceable

SITE = {"index.html": b"<h1>index</h1>", "q01.html": b"<h1>q01</h1>", "data/q01.csv": b"a,b\n1,2\n",
        "manifest.json": b"{}", "assets/site.css": b"body{}"}


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder`` (None for a folder), by relative path."""
    return {p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in sorted(folder.rglob("*"))}


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir())


def test_the_marker_names_the_tool_its_version_and_each_file_with_its_sha256(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_folder(out, SITE)
    marker = json.loads((out / MARKER).read_text())
    assert marker["tool"] == "observatory" and marker["version"] == __version__
    assert marker["files"] == {name: hashlib.sha256(data).hexdigest() for name, data in SITE.items()}
    files = {k: v for k, v in tree(out).items() if v is not None}
    assert files == {**SITE, MARKER: (out / MARKER).read_bytes()}
    assert siblings(out) == ["site"]


def test_another_tools_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    """A manifest.json of another tool is not the Observatory's."""
    out = tmp_path / "docs"
    out.mkdir()
    (out / "manifest.json").write_text('{"name": "my app", "version": 3}')
    (out / "about.html").write_text("about me")
    before = tree(out)
    called = []
    with pytest.raises(OutputError) as caught:
        outputs.swap_in(out, called.append)
    assert str(caught.value).startswith(f"{out}: the folder holds files the Observatory did not write")
    assert caught.value.exit_code == 2 and "\n" not in str(caught.value)
    assert called == [] and tree(out) == before and siblings(out) == ["docs"]


def test_new_and_empty_folders_are_written_and_a_file_or_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for name in ("new", "empty"):
        write_folder(tmp_path / name, SITE)
        assert (tmp_path / name / "index.html").read_bytes() == SITE["index.html"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="a file is in the way"):
        check_replaceable(tmp_path / "file")
    (tmp_path / "link").symlink_to(tmp_path / "new")
    with pytest.raises(OutputError, match="a symbolic link"):
        write_folder(tmp_path / "link", SITE)
    assert (tmp_path / "link").is_symlink()


def test_the_users_files_in_an_earlier_folder_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_folder(out, SITE)
    (out / "about.html").write_text("about")
    (out / "notes").mkdir()
    (out / "notes" / "x.txt").write_text("my notes")
    (out / "drafts").mkdir()  # an empty folder of the user's
    (out / "data" / "mine.csv").write_text("mine")  # beside the Observatory's files
    (out / "link.html").symlink_to("index.html")
    new = {**SITE, "index.html": b"<h1>new index</h1>"}
    del new["q01.html"]  # a page the new build no longer writes: the Observatory's, removed
    written = write_folder(out, new)
    assert written.kept == ["about.html", "data/mine.csv", "drafts/", "link.html", "notes/x.txt"]
    assert written.renamed == {} and written.left is None
    assert written.lines("report") == [
        "kept 5 file(s) that are not the report's: about.html, data/mine.csv, drafts/, link.html, "
        "notes/x.txt"]
    assert (out / "about.html").read_text() == "about"
    assert (out / "notes" / "x.txt").read_text() == "my notes"
    assert (out / "drafts").is_dir() and (out / "data" / "mine.csv").read_text() == "mine"
    assert os.readlink(out / "link.html") == "index.html"
    assert (out / "index.html").read_bytes() == b"<h1>new index</h1>"
    assert not (out / "q01.html").exists()
    assert siblings(out) == ["site"]  # no old or temporary folder left beside it
    # the kept files are not the Observatory's: the next build keeps them again
    assert set(json.loads((out / MARKER).read_text())["files"]) == set(new)
    assert write_folder(out, new).kept == written.kept


def test_a_file_the_user_changed_is_kept_beside_the_new_one(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_folder(out, SITE)
    (out / "index.html").write_text("my edited index")
    (out / "q01.html").write_text("my edited page")
    new = {k: v for k, v in SITE.items() if k != "q01.html"}
    written = write_folder(out, new)
    # the edited page the build no longer writes stays where it was; the edited index is kept
    # under another name beside the new one, and the build says so
    assert written.kept == ["index.html", "q01.html"]
    assert written.renamed == {"index.html": "index.kept.html"}
    assert "kept your changed index.html as index.kept.html (the report writes a new index.html)" in \
        written.lines("report")
    assert (out / "index.kept.html").read_text() == "my edited index"
    assert (out / "index.html").read_bytes() == SITE["index.html"]
    assert (out / "q01.html").read_text() == "my edited page"
    # kept again (not renamed twice) at the next build: it is the user's now
    again = write_folder(out, new)
    assert again.kept == ["index.kept.html", "q01.html"] and again.renamed == {}


def test_a_users_file_where_the_build_writes_a_folder_is_kept_aside(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_folder(out, {"index.html": b"x"})
    (out / "data").write_text("a file called data")
    written = write_folder(out, SITE)
    assert written.renamed == {"data": "data.kept"}
    assert (out / "data.kept").read_text() == "a file called data"
    assert (out / "data" / "q01.csv").read_bytes() == SITE["data/q01.csv"]


def test_what_appears_or_changes_during_the_swap_is_swept_in(tmp_path: Path, monkeypatch) -> None:
    """After the swap, one last sweep of the old folder moves in what appeared after the carry,
    and a carried file replaced meanwhile arrives in its newest version."""
    out = tmp_path / "site"
    write_folder(out, SITE)
    (out / "mine.txt").write_text("first")
    carry = outputs._Carrier.carry

    def carry_then_write(self: outputs._Carrier) -> None:
        carry(self)
        (self.old / "late.txt").write_text("written during the build")
        (self.old / "late-folder").mkdir()
        replaced = self.old / "mine.tmp"
        replaced.write_text("second")
        os.replace(replaced, self.old / "mine.txt")  # an editor's save: a new file

    monkeypatch.setattr(outputs._Carrier, "carry", carry_then_write)
    written = write_folder(out, SITE)
    assert (out / "late.txt").read_text() == "written during the build"
    assert (out / "mine.txt").read_text() == "second"
    assert (out / "late-folder").is_dir()
    assert written.kept == ["late-folder/", "late.txt", "mine.txt"] and written.left is None
    assert siblings(out) == ["site"]


def test_a_failed_build_leaves_the_old_folder_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_folder(out, SITE)
    (out / "mine.txt").write_text("mine")
    before = tree(out)

    def fail(work: Path) -> None:
        (work / "index.html").write_text("half")
        raise OutputError(out, "the disk is full")

    with pytest.raises(OutputError, match="the disk is full"):
        outputs.swap_in(out, fail)
    assert tree(out) == before and siblings(out) == ["site"]


def test_the_assets_serve_rewrites_stay_the_sites(tmp_path: Path) -> None:
    """`serve` rewrites a site's assets/ on its own (with its own marker): the next report build
    neither keeps its files nor its marker as the user's; a user's file in it is kept by both."""
    site = tmp_path / "site"
    write_folder(site, SITE)
    (site / "assets" / "logo.svg").write_text("<svg/>")
    assets = {"site.css": b"body{color:red}", "VERSION": b"observatory 9, vl-convert 9"}
    kept = write_folder(site / "assets", assets, marker="VERSION")
    assert kept.kept == ["logo.svg"]
    written = write_folder(site, SITE)
    assert written.kept == ["assets/logo.svg"]
    assert (site / "assets" / "site.css").read_bytes() == SITE["assets/site.css"]


def test_an_export_keeps_the_users_files(tmp_path: Path) -> None:
    out = tmp_path / "exports"
    tables = {"gap": pd.DataFrame({"a": [1, 2]})}
    write_export_folder(out, tables, {"files": {"gap": {"rows": 2}}})
    (out / "thesis.tex").write_text("years of work")
    written = write_export_folder(out, tables, {"files": {"gap": {"rows": 2}}})
    assert written.kept == ["thesis.tex"]
    assert (out / "thesis.tex").read_text() == "years of work"
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "gap.csv", "gap.json", "manifest.json",
                                                     "thesis.tex"]


# --- folders written by d02274e (no marker): recognised by their manifest's keys --------------

def legacy_report(out: Path, pages: dict[str, list[str]]) -> None:
    """A site as d02274e wrote it: its manifest's keys, pages, tables, charts and assets."""
    (out / "data").mkdir(parents=True)
    (out / "charts").mkdir()
    (out / "assets").mkdir()
    manifest = {"generated_at": "2026-12-01T00:00:00+00:00", "home": "/home/ann/obs",
                "tool_version": "0.1.0", "method_version": "2026.11.1", "live": False,
                "images": True, "pages": {slug: {"missing": None, "tables": tables}
                                          for slug, tables in pages.items()}}
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "index.html").write_text("old index")
    for slug, tables in pages.items():
        (out / f"{slug}.html").write_text("old page")
        for table in tables:
            (out / "data" / f"{table}.csv").write_text("old,table\n")
            (out / "charts" / f"{table}.png").write_bytes(b"\x89PNG")
    for name in ("vega.js", "site.css", "site.js"):
        (out / "assets" / name).write_text("old asset")
    (out / "assets" / "VERSION").write_text("observatory 0.1.0, vl-convert 1.7.0")


def test_a_legacy_report_folder_is_recognised_and_the_users_files_kept(tmp_path: Path) -> None:
    out = tmp_path / "site"
    legacy_report(out, {"q01-old": ["q01-a", "q01-b"]})
    (out / "about.html").write_text("about")
    (out / "data" / "extra.csv").write_text("mine")
    (out / "charts" / "notes.txt").write_text("mine too")
    written = write_folder(out, SITE)
    assert written.kept == ["about.html", "charts/notes.txt", "data/extra.csv"]
    # its own files (listed pages and tables, charts, assets) are replaced or gone
    assert not (out / "q01-old.html").exists() and not (out / "data" / "q01-a.csv").exists()
    assert not (out / "charts" / "q01-a.png").exists() and not (out / "assets" / "VERSION").exists()
    assert (out / "assets" / "site.css").read_bytes() == SITE["assets/site.css"]


def test_a_legacy_export_folder_is_recognised_and_the_users_files_kept(tmp_path: Path) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    manifest = {"generated_at": "2026-12-01T00:00:00+00:00", "method_version": "2026.11.1",
                "tool_version": "0.1.0", "files": {"gap": {"rows": 1}, "stale": {"rows": 1}},
                "not_exported": {"likes": "no Hub data"}}
    (out / "manifest.json").write_text(json.dumps(manifest))
    for name in ("gap", "stale"):
        (out / f"{name}.csv").write_text("x\n1\n")
        (out / f"{name}.json").write_text("[]")
    (out / "thesis.tex").write_text("years of work")
    (out / "likes.csv").write_text("not listed: not the export's")
    written = write_export_folder(out, {"gap": pd.DataFrame({"a": [1]})}, {"files": {}})
    assert written.kept == ["likes.csv", "thesis.tex"]
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "gap.csv", "gap.json", "likes.csv",
                                                     "manifest.json", "thesis.tex"]


@pytest.mark.parametrize("manifest", [
    {"generated_at": "x", "method_version": "x", "tool_version": "x", "files": {}},  # a key short
    {"generated_at": "x", "home": "x", "tool_version": "x", "method_version": "x", "live": False,
     "images": True, "pages": {}, "theme": "dark"},  # a key more
    ["not", "an", "object"],
])
def test_a_manifest_with_other_keys_is_not_a_legacy_folder(tmp_path: Path, manifest: object) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(OutputError, match="did not write"):
        write_folder(out, SITE)
    assert [p.name for p in out.iterdir()] == ["manifest.json"]


def test_a_site_holding_only_the_assets_serve_wrote_is_the_observatorys(tmp_path: Path) -> None:
    """`serve` before any report writes the site's assets/ alone: the report may replace it."""
    site = tmp_path / "site"
    write_folder(site / "assets", {"site.css": b"x", "VERSION": b"observatory 9, vl-convert 9"},
                 marker="VERSION")
    written = write_folder(site, SITE)
    assert written.kept == [] and (site / "assets" / "site.css").read_bytes() == SITE["assets/site.css"]
    assert not (site / "assets" / MARKER).exists()


def test_a_swap_that_fails_puts_the_old_folder_back(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "site"
    write_folder(out, SITE)
    (out / "mine.txt").write_text("mine")
    before = tree(out)
    replace = os.replace

    def fail_second(source: os.PathLike, target: os.PathLike) -> None:
        if Path(source).name.startswith(".site.tmp-"):
            raise OSError(28, "No space left on device")
        replace(source, target)

    monkeypatch.setattr(outputs.os, "replace", fail_second)
    with pytest.raises(OutputError, match="No space left on device"):
        write_folder(out, SITE)
    monkeypatch.setattr(outputs.os, "replace", replace)
    assert tree(out) == before and siblings(out) == ["site"]
