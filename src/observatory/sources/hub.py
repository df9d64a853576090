"""The Hugging Face Hub model listing, page by page, and the per-model files enrichment reads.

``HfApi.list_models`` hides the pagination cursor, and a resumable snapshot needs it, so this
module walks ``/api/models`` itself with huggingface_hub's session (httpx2) and headers (token
from ``HF_TOKEN``, never logged), following the ``Link: rel="next"`` header exactly as
``huggingface_hub.utils._pagination`` does. Requests go through the one retry policy of
``sources.http``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx2
import orjson
from huggingface_hub.utils import build_hf_headers, get_session

from observatory.errors import InputError, SourceUnreachableError
from observatory.sources.http import RetryPolicy, UnreadableBody, fetch, fetch_optional

EXPAND = ("author", "cardData", "createdAt", "downloads", "downloadsAllTime", "gated",
          "lastModified", "library_name", "likes", "pipeline_tag", "safetensors", "tags")
LLM_PIPELINES = ("text-generation", "image-text-to-text")
FORMAT_NAME = "hub-api"
LIBRARY = "open-weights-observatory"
RECENT_PAGES = 64  # first ids remembered to notice a page served twice


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


def first_id(items: list[Any]) -> str | None:
    return next((item.get("id") for item in items if isinstance(item, dict)), None)


def _page(response: httpx2.Response) -> Page:
    try:
        items = orjson.loads(response.content)  # pages are large: the fast parser
    except orjson.JSONDecodeError:
        raise UnreadableBody("truncated page") from None
    if not isinstance(items, list):
        raise InputError(str(response.url), "expected a JSON list of models")
    return Page(items, response.links.get("next", {}).get("url"), str(response.url))


def fetch_page(url: str, policy: RetryPolicy, timeout: float = 60.0,
               token: str | bool | None = None) -> Page:
    """One page of the listing (a truncated body is fetched again)."""
    headers = build_hf_headers(token=token, library_name=LIBRARY)
    return fetch(get_session(), url, policy, headers=headers, read=_page, timeout=timeout)


def walk(start_url: str, policy: RetryPolicy, timeout: float = 60.0) -> Iterator[Page]:
    """Every page from ``start_url`` on, following ``Link: rel="next"``."""
    url: str | None = start_url
    while url is not None:
        page = fetch_page(url, policy, timeout)
        yield page
        url = page.next_url


class Prefetch:
    """Fetches the next page in a background thread while the current one is parsed (the
    socket wait releases the GIL). Only one request is ever in flight."""

    def __init__(self, policy: RetryPolicy, timeout: float) -> None:
        self.policy, self.timeout = policy, timeout
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-prefetch")
        self.pending: tuple[str, Future[Page]] | None = None

    def ahead(self, url: str | None) -> None:
        if url is not None:
            self.pending = (url, self.pool.submit(fetch_page, url, self.policy, self.timeout))

    def get(self, url: str) -> Page:
        pending, self.pending = self.pending, None
        if pending is not None:
            if pending[0] == url:
                return pending[1].result()
            pending[1].exception()  # wait for the stray request, ignore its answer
        return fetch_page(url, self.policy, self.timeout)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def fresh_page(url: str, recent_first_ids: list[str], prefetch: Prefetch) -> Page:
    """A page, fetched again while it repeats a page already received (a proxy or server fault
    that would otherwise skip a page silently)."""
    policy = prefetch.policy
    for attempt in range(policy.attempts):
        page = prefetch.get(url) if attempt == 0 else fetch_page(url, policy, prefetch.timeout)
        first = first_id(page.items)
        if first is None or first not in recent_first_ids:
            return page
        policy.note("repeated page")
    raise SourceUnreachableError(url, "the server keeps answering with the previous page")


def _json_object(response: httpx2.Response) -> dict:
    try:
        data = json.loads(response.content)
    except ValueError:
        raise UnreadableBody("unreadable JSON body") from None
    return data if isinstance(data, dict) else {}


def _get_json(url: str, policy: RetryPolicy, timeout: float) -> dict:
    """A JSON object; {} when the Hub has no such file or refuses it (gated models)."""
    headers = build_hf_headers(library_name=LIBRARY)
    found = fetch_optional(get_session(), url, policy, absent=frozenset({401, 403, 404}),
                           headers=headers, read=_json_object, timeout=timeout,
                           follow_redirects=True)
    return found or {}


def model_info(endpoint: str, model_id: str, policy: RetryPolicy, timeout: float = 60.0) -> dict:
    url = f"{endpoint}/api/models/{model_id}?expand=config&expand=safetensors&expand=gguf"
    return _get_json(url, policy, timeout)


def config_json(endpoint: str, model_id: str, policy: RetryPolicy, timeout: float = 60.0) -> dict:
    return _get_json(f"{endpoint}/{model_id}/resolve/main/config.json", policy, timeout)
