"""``observatory report``: the site written whole into a folder (nothing half-written: the
folder is swapped in when complete; the user's other files in it are kept)."""

from __future__ import annotations

from pathlib import Path

from observatory.api import Observatory
from observatory.store.exports import check_replaceable, write_folder
from observatory.store.outputs import Written
from observatory.web.site import Site

SITE_FOLDER = "site"  # in the data home, where `observatory run` builds it


def default_site(obs: Observatory) -> Path:
    return obs.store.home / SITE_FOLDER


def build_report(obs: Observatory, out: Path, images: bool = True) -> tuple[Site, Written]:
    """The site of ``obs`` written into ``out``, and what of the user's the folder kept."""
    check_replaceable(out)  # before the work: a folder that cannot be replaced says so at once
    site = Site(obs, images=images)
    reuse = [out / "assets", default_site(obs) / "assets"]  # Vega bundled by an earlier build
    written = write_folder(out, site.files(reuse))
    return site, written
