"""The Hugging Face Hub model listing, page by page, through huggingface_hub's HTTP stack.

``HfApi.list_models`` hides the pagination cursor, and a resumable snapshot needs it, so this
module walks ``/api/models`` itself with huggingface_hub's session (httpx2), headers (token from
``HF_TOKEN``, never logged) and error/rate-limit parsing, following the ``Link: rel="next"``
header exactly as ``huggingface_hub.utils._pagination`` does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2
import orjson
from huggingface_hub.utils import build_hf_headers, get_session, parse_ratelimit_headers

from observatory.errors import InputError, SourceUnreachableError

EXPAND = ("author", "cardData", "createdAt", "downloads", "downloadsAllTime", "gated",
          "lastModified", "library_name", "likes", "pipeline_tag", "safetensors", "tags")
LLM_PIPELINES = ("text-generation", "image-text-to-text")
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_ATTEMPTS = 8
MAX_WAIT = 120.0
FORMAT_NAME = "hub-api"


@dataclass(frozen=True)
class Listing:
    """One ``/api/models`` listing: its query parameters (a scope may need several)."""

    params: tuple[tuple[str, str], ...]

    def url(self, endpoint: str) -> str:
        return str(httpx2.URL(f"{endpoint}/api/models", params=list(self.params)))


def listings(scope: str, namespaces: list[str], page_size: int = 1000,
             sort: str | None = None) -> list[Listing]:
    """The listings a scope needs: full (everything), llm (two pipelines), orgs (per author)."""
    base = [("limit", str(page_size)), *(("expand", name) for name in EXPAND)]
    if sort:
        base += [("sort", sort), ("direction", "-1")]
    if scope == "full":
        return [Listing(tuple(base))]
    if scope == "llm":
        return [Listing((*base, ("pipeline_tag", tag))) for tag in LLM_PIPELINES]
    if scope == "orgs":
        return [Listing((*base, ("author", ns))) for ns in sorted(set(namespaces))]
    raise InputError("--scope", f"unknown scope {scope!r}; use full, llm or orgs")


@dataclass
class Page:
    items: list[Any]
    next_url: str | None
    url: str


@dataclass
class Pacer:
    """Waits between requests: honours RateLimit (remaining/reset) and Retry-After headers."""

    sleep: Callable[[float], None] = time.sleep
    waited: float = 0.0
    retries: dict[str, int] = field(default_factory=dict)

    def wait(self, seconds: float) -> None:
        seconds = max(0.0, min(seconds, MAX_WAIT))
        if seconds:
            self.waited += seconds
            self.sleep(seconds)

    def after(self, response: httpx2.Response) -> None:
        """Before the next request: if the quota is used up, wait for the window to reset."""
        info = parse_ratelimit_headers(response.headers)
        if info is not None and info.remaining <= 0:
            self.wait(info.reset_in_seconds)

    def note(self, reason: str) -> None:
        self.retries[reason] = self.retries.get(reason, 0) + 1


def _retry_wait(response: httpx2.Response | None, attempt: int) -> float:
    if response is not None:
        header = response.headers.get("Retry-After")
        if header and header.strip().isdigit():
            return float(header)
        info = parse_ratelimit_headers(response.headers)
        if info is not None and info.remaining <= 0:
            return float(info.reset_in_seconds)
    return min(0.5 * 2**attempt, 30.0)


def fetch_page(url: str, pacer: Pacer, timeout: float = 60.0,
               token: str | bool | None = None) -> Page:
    """GET one page, retrying 429/5xx, timeouts, dropped connections and unreadable bodies."""
    session = get_session()
    headers = build_hf_headers(token=token, library_name="open-weights-observatory")
    last = "no attempt"
    for attempt in range(MAX_ATTEMPTS):
        response = None
        try:
            response = session.get(url, headers=headers, timeout=timeout)
        except (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError) as exc:
            last = type(exc).__name__
            pacer.note(last)
            if isinstance(exc, httpx2.ConnectError) and attempt >= 2:
                break
        else:
            if response.status_code == 200:
                try:
                    items = orjson.loads(response.content)  # pages are large: the fast parser
                except orjson.JSONDecodeError:
                    last = "unreadable JSON body"
                    pacer.note("truncated page")
                else:
                    if not isinstance(items, list):
                        raise InputError(url, "expected a JSON list of models")
                    pacer.after(response)
                    next_url = response.links.get("next", {}).get("url")
                    return Page(items, next_url, url)
            else:
                last = f"HTTP {response.status_code}"
                pacer.note(last)
                if response.status_code not in RETRY_STATUSES:
                    break
        pacer.wait(_retry_wait(response, attempt))
    raise SourceUnreachableError(url, last)


def walk(start_url: str, pacer: Pacer, timeout: float = 60.0) -> Iterator[Page]:
    """Every page from ``start_url`` on, following ``Link: rel="next"``."""
    url: str | None = start_url
    while url is not None:
        page = fetch_page(url, pacer, timeout)
        yield page
        url = page.next_url


def model_info(endpoint: str, model_id: str, pacer: Pacer, timeout: float = 60.0) -> dict:
    url = f"{endpoint}/api/models/{model_id}?expand=config&expand=safetensors&expand=gguf"
    return _get_json(url, pacer, timeout)


def config_json(endpoint: str, model_id: str, pacer: Pacer, timeout: float = 60.0) -> dict:
    return _get_json(f"{endpoint}/{model_id}/resolve/main/config.json", pacer, timeout)


def _get_json(url: str, pacer: Pacer, timeout: float) -> dict:
    session = get_session()
    headers = build_hf_headers(library_name="open-weights-observatory")
    last = "no attempt"
    for attempt in range(MAX_ATTEMPTS):
        response = None
        try:
            response = session.get(url, headers=headers, timeout=timeout, follow_redirects=True)
        except (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError) as exc:
            last = type(exc).__name__
        else:
            if response.status_code == 200:
                try:
                    data = json.loads(response.content)
                except ValueError:
                    last = "unreadable JSON body"
                else:
                    pacer.after(response)
                    return data if isinstance(data, dict) else {}
            elif response.status_code in (401, 403, 404):
                return {}
            else:
                last = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUSES:
                    break
        pacer.wait(_retry_wait(response, attempt))
    raise SourceUnreachableError(url, last)
