"""A server that stays small and says what it does: HEAD answered like GET on every route, the
kept answers within their bound in bytes, the catalog's kept tables within theirs, the assets
served from memory (an earlier report's Vega read, nothing written), a busy port refused in one
line before anything is announced, and a policy without eval. On the small synthetic store
(fast); the browser checks are in test_browser.py."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from pathlib import Path

import ibis
import pytest
from fastapi.testclient import TestClient

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.store import catalog
from observatory.web import live as live_module
from observatory.web import render
from observatory.web.live import ENTRY_BYTES, FAILURE_BYTES, Live
from observatory.web.server import create_app
from tests.cli_runner import run_cli
from tests.metrics.synthetic_boards import synthetic_boards

FAKE_BUNDLE = b"/* Vega from an earlier build */"


def earlier_site(folder: Path, stamp: str | None = None) -> Path:
    """A report folder as an earlier build left it: its assets with their stamp."""
    assets = folder / "assets"
    assets.mkdir(parents=True)
    (assets / "VERSION").write_text(stamp or render.stamp())
    (assets / "vega.js").write_bytes(FAKE_BUNDLE)
    return folder


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its SHA-256 and modification time."""
    return {str(p.relative_to(folder)): f"{hashlib.sha256(p.read_bytes()).hexdigest()} "
            f"{p.stat().st_mtime_ns}" for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Observatory:
    tmp = tmp_path_factory.mktemp("small")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OBSERVATORY_REGISTRY", str(tmp / "no-overrides"))
        return synthetic_boards(tmp, tmp / "home")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return earlier_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def client(store: Observatory, site: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Live(obs=store), site)) as test_client:
        yield test_client


@pytest.mark.parametrize("url", [
    "/", "/index.html", "/q04-top.html", "/q99-nothing.html", "/favicon.ico",
    "/api/top?n=2", "/api/leaders?as_of=2024-01-01", "/api/leaders?board=nosuchboard",
    "/api/top?n=0", "/api/snapshots", "/openapi.json",
    "/assets/site.js", "/assets/site.css", "/assets/vega.js", "/assets/nothing.js",
    "/data/q04-top.csv", "/data/nothing.csv", "/charts/q04-top.svg", "/charts/q04-top.gif",
])
def test_head_is_answered_like_get(client: TestClient, url: str) -> None:
    """The same status and headers (Content-Length and the policy included), and no body."""
    got = client.get(url)
    head = client.head(url)
    assert head.status_code == got.status_code
    assert dict(head.headers) == dict(got.headers)
    assert head.content == b""
    if got.status_code == 200:
        assert int(head.headers["content-length"]) == len(got.content) > 0


def test_other_methods_are_still_refused(client: TestClient) -> None:
    assert client.post("/api/top").status_code == 405
    assert client.delete("/q04-top.html").status_code == 405


def test_the_policy_allows_no_eval(client: TestClient) -> None:
    policy = client.get("/q04-top.html").headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-eval" not in policy
    assert "ast: true" in client.get("/assets/site.js").text  # Vega interprets, never compiles


def test_assets_come_from_memory_and_nothing_is_written(store: Observatory, site: Path,
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """An earlier report's Vega is served when its stamp is this version's; the folder is read,
    never written; without it nothing is created. Browsers revalidate (304 while unchanged)."""
    before = tree(site)
    with TestClient(create_app(Live(obs=store), site)) as reusing:
        vega = reusing.get("/assets/vega.js")
        assert vega.content == FAKE_BUNDLE
        assert vega.headers["content-type"] == "text/javascript; charset=utf-8"
        again = reusing.get("/assets/vega.js", headers={"If-None-Match": vega.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        assert reusing.get("/assets/site.css").content == render.asset("site.css")
    assert tree(site) == before
    missing = tmp_path / "no-site"
    monkeypatch.setattr(render, "vega_bundle", lambda: b"/* bundled now */")
    with TestClient(create_app(Live(obs=store), missing)) as bundling:
        assert bundling.get("/assets/vega.js").content == b"/* bundled now */"
        assert bundling.get("/assets/site.js").content == render.asset("site.js")
    assert not missing.exists()


def test_a_stale_bundle_is_not_served(store: Observatory, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """An earlier build by another version: Vega is bundled in memory, the folder untouched."""
    old = earlier_site(tmp_path / "old", stamp="observatory 0.0.1, vl-convert 0.1")
    before = tree(old)
    monkeypatch.setattr(render, "vega_bundle", lambda: b"/* bundled now */")
    with TestClient(create_app(Live(obs=store), old)) as fresh:
        assert fresh.get("/assets/vega.js").content == b"/* bundled now */"
    assert tree(old) == before


def _expected_kept(sizes: list[int], bound: int) -> tuple[int, int]:
    """Entries and bytes an LRU keeps after distinct queries asked once each, in order: the
    newest that fit the bound, walking back."""
    kept = total = 0
    for size in reversed(sizes):
        if total + size > bound:
            break
        kept, total = kept + 1, total + size
    return kept, total


def test_kept_answers_stay_within_the_bound(store: Observatory, site: Path) -> None:
    """Many distinct queries, some answered with rows, some with "no data" or a bad parameter:
    after each, the kept answers count no more than the bound, and they are the newest ones
    (their sizes taken from the responses). An answer dropped is computed again, the same."""
    bound = 6_000
    live = Live(obs=store, cache_bytes=bound)
    urls = [f"/api/leaders?as_of=2024-12-{day}" for day in range(28, 32)]  # no data yet (404)
    urls += [f"/api/leaders?by={by}&as_of=2025-01-{day:02d}" for day in range(1, 26, 3)
             for by in ("country", "org")]
    urls += [f"/api/top?n={n}&open_only={flag}" for n in (1, 4) for flag in ("true", "false")]
    urls += [f"/api/leaders?category=c{n}" for n in range(3)]  # no such category (422)
    sizes: list[int] = []
    bodies: dict[str, bytes] = {}
    with TestClient(create_app(live, site)) as small:
        for url in urls:
            response = small.get(url)
            bodies[url] = response.content
            assert response.status_code in (200, 404, 422), response.text
            sizes.append(ENTRY_BYTES + len(response.content) if response.status_code == 200
                         else FAILURE_BYTES)
            assert live.kept_bytes() <= bound
        assert sum(sizes) > 5 * bound  # the bound was reached many times over
        assert (len(live._kept), live.kept_bytes()) == _expected_kept(sizes, bound)
        assert small.get(urls[5]).content == bodies[urls[5]]  # dropped long ago: computed again
        assert live.kept_bytes() <= bound


def test_an_answer_larger_than_the_bound_is_sent_not_kept(store: Observatory, site: Path) -> None:
    live = Live(obs=store, cache_bytes=ENTRY_BYTES + 10)
    with TestClient(create_app(live, site)) as tiny:
        response = tiny.get("/api/top?n=3")
        assert response.status_code == 200 and len(response.json()["rows"]) == 3
    assert (len(live._kept), live.kept_bytes()) == (0, 0)


def test_a_kept_failure_keeps_no_traceback(store: Observatory) -> None:
    """Raised again on every request, a kept error would otherwise gather each request's frames."""
    live = Live(obs=store)
    key = ("test", "no data")

    def no_data(obs: Observatory, site: object) -> bytes:
        raise EmptyResultError("nothing here")

    for _ in range(5):
        with pytest.raises(EmptyResultError, match="nothing here"):
            live.get(key, no_data)
    kept = live._kept[key][0].error
    assert kept.__traceback__ is None and kept.__context__ is None
    assert live.kept_bytes() == FAILURE_BYTES


def _temporary_tables(obs: Observatory) -> set[str]:
    rows = obs.connection().con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    return {name for (name,) in rows}


def test_the_catalog_keeps_a_bounded_number_of_results(tmp_path: Path, isolated_home: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Least recently used out, with the temporary tables they made; a failed build leaves no
    table behind; ``forget`` drops them all."""
    monkeypatch.setattr(catalog, "MEMO_KEPT", 3)
    obs = synthetic_boards(tmp_path, isolated_home)
    memo = obs.catalog

    def build(n: int) -> ibis.Table:
        return memo.temp_table(ibis.memtable({"n": list(range(n))}), "test")

    tables = {n: memo.memo(("test", n), lambda n=n: build(n)) for n in range(1, 9)}
    assert len(memo._memo) == 3 and len(_temporary_tables(obs)) == 3
    assert memo.memo(("test", 8), lambda: build(99)) is tables[8]  # kept: not built again
    assert memo.memo(("test", 1), lambda: build(1)).count().to_pandas() == 1  # built again
    assert len(_temporary_tables(obs)) == 3

    def broken() -> ibis.Table:
        build(5)
        raise EmptyResultError("no rows")

    with pytest.raises(EmptyResultError):
        memo.memo(("test", "broken"), broken)
    assert len(_temporary_tables(obs)) == 3
    obs.entries()  # the facade's own use: a temporary table of the board's rows
    assert len(memo._memo) == 3 and len(_temporary_tables(obs)) == 3
    memo.forget()
    assert memo._memo == {} and _temporary_tables(obs) == set()
    assert len(obs.leaders()) > 0  # and the facade builds again


def test_a_busy_port_is_one_line_before_serving(capsys, monkeypatch, tmp_path: Path,
                                                isolated_home: Path) -> None:
    synthetic_boards(tmp_path, isolated_home)
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = run_cli(capsys, monkeypatch, "serve", "--port", str(port))
    assert result.code == 2
    assert result.err.strip() == (f"bad input: --port: 127.0.0.1:{port} is in use (another "
                                  "server?); choose another port with --port")
    assert "serving" not in result.out


def test_an_address_not_of_this_machine_is_one_line(capsys, monkeypatch, tmp_path: Path,
                                                    isolated_home: Path) -> None:
    """192.0.2.1 is reserved for documentation: no machine has it, and binding it asks no one."""
    synthetic_boards(tmp_path, isolated_home)
    result = run_cli(capsys, monkeypatch, "serve", "--host", "192.0.2.1")
    assert result.code == 2
    assert result.err.strip() == "bad input: --host: 192.0.2.1 is not an address of this machine"
    assert "serving" not in result.out


def _memtable_views(obs: Observatory) -> set[str]:
    rows = obs.connection().con.execute(
        "SELECT view_name FROM duckdb_views() WHERE temporary AND view_name LIKE 'ibis%memtable%'"
    ).fetchall()
    return {name for (name,) in rows}


def test_in_memory_tables_are_released_after_each_computation(tmp_path: Path,
                                                              isolated_home: Path) -> None:
    """Ibis leaves each ``ibis.memtable`` a query read registered on the connection; the server
    releases those no expression holds once the computation is done, and keeps the others."""
    live = Live(obs=synthetic_boards(tmp_path, isolated_home))
    held = ibis.memtable({"n": [1, 2, 3]})

    def reads(obs: Observatory, table: ibis.Table) -> int:
        """A query on the catalog's connection; the memtable is registered there meanwhile."""
        count = int(obs.connection().execute(table.count()))
        assert table.op().name in _memtable_views(obs)
        return count

    for n in range(6):
        assert live.get(("count", n), lambda obs, site, n=n: reads(
            obs, ibis.memtable({"n": list(range(n))}))) == n
        assert _memtable_views(live.obs) == set()
    assert live.get(("held",), lambda obs, site: reads(obs, held)) == 3
    assert _memtable_views(live.obs) == {held.op().name}  # still referenced: kept
    assert int(live.obs.connection().execute(held.count())) == 3


def test_the_connection_is_opened_again_after_many_computations(
        store: Observatory, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB's per-query memory goes with its connection: after ``RECYCLE_AFTER`` new
    computations the catalog reconnects, and the kept answers stay."""
    monkeypatch.setattr(live_module, "RECYCLE_AFTER", 3)
    live = Live(obs=store)
    with TestClient(create_app(live, site)) as recycling:
        first = recycling.get("/api/leaders?as_of=2025-01-01").content
        connection = live.obs.connection()
        for day in (2, 3):  # the second and third computations
            assert recycling.get(f"/api/leaders?as_of=2025-01-{day:02d}").status_code == 200
        assert live.obs.catalog._connection is connection
        assert recycling.get("/api/leaders?as_of=2025-01-04").status_code == 200
        assert live.obs.catalog._connection is not connection
        assert recycling.get("/api/leaders?as_of=2025-01-01").content == first
        assert ("api", "leaders") in {key[:2] for key in live._kept}
