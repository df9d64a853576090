"""`observatory serve` as a user starts it: a process on loopback that answers pages and the API
(HEAD too), writes nothing into the data home's site folder, and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.metrics.synthetic_boards import BOARDS, MODELS, synthetic_boards


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}: "
                                 f"{process.stderr.read() if process.stderr else ''}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"no answer from {url} within {seconds} s")


def test_serve_answers_pages_and_the_api_then_stops(tmp_path: Path, isolated_home: Path) -> None:
    synthetic_boards(tmp_path, isolated_home)
    port = free_port()
    command = [sys.executable, "-m", "observatory.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "OBSERVATORY_HOME": str(isolated_home)})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/openapi.json", process)
        rows = httpx.get(f"{base}/api/top", params={"n": 1}, timeout=60).json()["rows"]
        latest = BOARDS[max(BOARDS)]
        best = max((m for m in latest if MODELS[m][0] != "OpenAI"), key=lambda m: latest[m][0])
        assert rows[0]["model_name"] == best
        index = httpx.get(f"{base}/", timeout=60)
        assert index.status_code == 200 and "Best open model today" in index.text
        assert httpx.get(f"{base}/assets/vega.js", timeout=10).status_code == 200
        for url in ("/", "/api/top?n=1", "/assets/vega.js", "/api/nothing"):  # HEAD over uvicorn
            got, head = httpx.get(f"{base}{url}", timeout=60), httpx.head(f"{base}{url}", timeout=60)
            assert (head.status_code, head.content) == (got.status_code, b"")
            assert head.headers["content-length"] == got.headers["content-length"]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            out, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail("the server did not stop on Ctrl-C")
    assert f"at http://127.0.0.1:{port}/" in out
    assert not (isolated_home / "site").exists()  # assets served from memory, never written
