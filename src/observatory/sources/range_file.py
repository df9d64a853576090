"""A remote file read by HTTP range requests, for pyarrow: a Parquet reader asks for the footer
and then only the column chunks it needs, so reading a few columns of a 1.5 GB dump transfers a
fraction of it.

Every range is one GET through the one HTTP layer (``http.fetch``): huggingface_hub's session
and headers (``HF_TOKEN`` sent, never written), the run's retry policy for 429 and 5xx, and a
body shorter than the range asked for (a download cut short) fetched again. A server that ignores
``Range`` and sends the whole file is sliced, not trusted blindly.
"""

from __future__ import annotations

import io
import threading

import httpx2
from huggingface_hub.utils import build_hf_headers, get_session

from observatory.sources.http import RetryPolicy, UnreadableBody, fetch, library_retries

LIBRARY = "open-weights-observatory"


class RangeFile(io.RawIOBase):
    """A seekable, read-only view of ``url`` (``size`` bytes, as the Hub declares it)."""

    def __init__(self, url: str, size: int, policy: RetryPolicy, timeout: float = 120.0) -> None:
        super().__init__()
        self.url, self.size, self.policy, self.timeout = url, size, policy, timeout
        self.position = 0
        self.received = 0  # bytes transferred, for the run's report
        self.requests = 0
        self._lock = threading.Lock()  # pyarrow may read from several threads

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def read(self, size: int = -1) -> bytes:
        first = self.position
        last = self.size if size is None or size < 0 else min(self.size, first + size)
        if last <= first:
            return b""
        data = self.fetch(first, last)
        self.position = last
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        return self.read(-1)

    def fetch(self, first: int, last: int) -> bytes:
        """Bytes ``[first, last)``, whole or not at all."""
        wanted = last - first

        def body(response: httpx2.Response) -> bytes:
            content = response.content
            if response.status_code == 200 and len(content) == self.size:
                content = content[first:last]  # the server ignored Range
            if len(content) != wanted:
                raise UnreadableBody(f"range {first}-{last - 1}: {len(content)} of {wanted} bytes "
                                     "(a download cut short)")
            return content

        headers = {**build_hf_headers(library_name=LIBRARY), "Range": f"bytes={first}-{last - 1}"}
        with library_retries(self.policy):  # the session retries 429 and 5xx itself: count them
            data = fetch(get_session(), self.url, self.policy, headers=headers, read=body,
                         timeout=self.timeout, follow_redirects=True)
        with self._lock:
            self.received += len(data)
            self.requests += 1
        return data
