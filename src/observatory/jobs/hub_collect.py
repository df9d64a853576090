"""The Hub collection job: list models page by page into a checkpointed run, enrich the top
models with their config, then finalize one snapshot. Re-running the same command resumes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from observatory.config import Endpoints
from observatory.errors import ObservatoryError
from observatory.registry.loader import Registry
from observatory.sources import hub
from observatory.sources.http import RetryPolicy
from observatory.sources.hub_config import enrichment_row, fingerprint_row
from observatory.sources.hub_records import Issues, MalformedRecord, to_row
from observatory.store.catalog import Catalog
from observatory.store.hub_runs import HubRun
from observatory.store.snapshots import ImportResult, Store

RESUME_HINT = "run the same command again to resume"
ENRICH_BATCH = 100


@dataclass(frozen=True)
class HubOptions:
    scope: str = "full"
    min_downloads: int | None = None
    min_likes: int | None = None
    enrich: int = 0
    page_size: int = 1000
    timeout: float = 60.0
    endpoint: str = ""

    def resolved_endpoint(self) -> str:
        return self.endpoint.rstrip("/") if self.endpoint else Endpoints.from_env().hub

    def query(self, namespaces: list[str]) -> dict[str, Any]:
        return {"endpoint": self.resolved_endpoint(), "scope": self.scope,
                "expand": list(hub.EXPAND), "page_size": self.page_size,
                "min_downloads": self.min_downloads, "min_likes": self.min_likes,
                "enrich": self.enrich,
                "namespaces": len(namespaces) if self.scope == "orgs" else None}


Progress = Callable[[dict[str, Any]], None]


def _keep(row: dict[str, Any], options: HubOptions) -> bool:
    if options.min_downloads is not None and (row["downloads_30d"] or 0) < options.min_downloads:
        return False
    return not (options.min_likes is not None and (row["likes"] or 0) < options.min_likes)


def _rows(items: list[Any], run: HubRun, issues: Issues,
          options: HubOptions) -> list[dict[str, Any]]:
    rows = []
    malformed: dict[str, int] = run.state["malformed"]
    for item in items:
        try:
            row = to_row(item, run.snapshot_date, hub.FORMAT_NAME, issues)
        except MalformedRecord as exc:
            malformed[str(exc)] = malformed.get(str(exc), 0) + 1
            continue
        if _keep(row, options):
            rows.append(row)
        else:
            run.state["skipped_below_threshold"] += 1
    return rows


def _list(run: HubRun, options: HubOptions, namespaces: list[str], policy: RetryPolicy,
          progress: Progress) -> None:
    sort = "downloads" if options.min_downloads else ("likes" if options.min_likes else None)
    todo = hub.listings(options.scope, namespaces, options.page_size, sort)
    issues = Issues(dict(run.state["issues"]["counts"]), dict(run.state["issues"]["examples"]))
    endpoint = options.resolved_endpoint()
    prefetch = hub.Prefetch(policy, options.timeout)
    try:
        while run.state["listing"] < len(todo):
            _one_page(run, todo, endpoint, issues, options, prefetch, sort)
            progress(run.state)
    finally:
        prefetch.close()
    run.state["listing_done"] = True
    run.save()


def _one_page(run: HubRun, todo: list[hub.Listing], endpoint: str, issues: Issues,
              options: HubOptions, prefetch: hub.Prefetch, sort: str | None) -> None:
    """Fetch, parse and write the next page, then checkpoint."""
    listing = run.state["listing"]
    url = run.state["next_url"] or todo[listing].url(endpoint)
    page = hub.fresh_page(url, run.state.get("recent_first_ids", []), prefetch)
    prefetch.ahead(page.next_url)
    rows = _rows(page.items, run, issues, options)
    run.write_page(rows, listing, run.state["pages"])
    run.state["pages"] += 1
    run.state["models"] += len(rows)
    run.state["next_url"] = page.next_url
    # Sorted by the threshold's field: once a whole page is below it, the rest is too.
    below = sort is not None and page.items and not rows
    if page.next_url is None or below:
        run.state["listing"] += 1
        run.state["next_url"] = None
    first = hub.first_id(page.items)
    if first is not None:
        recent = [*run.state.get("recent_first_ids", []), first]
        run.state["recent_first_ids"] = recent[-hub.RECENT_PAGES:]
    run.state["issues"] = issues.as_dict()
    run.state["retries"] = dict(prefetch.policy.retries)  # a copy: the prefetch thread adds to it
    run.save()


def _enrich(run: HubRun, options: HubOptions, policy: RetryPolicy, progress: Progress) -> None:
    targets = run.top_models(options.enrich)
    endpoint = options.resolved_endpoint()
    done = run.state["enriched"]
    while done < len(targets):
        batch = targets[done:done + ENRICH_BATCH]
        rows, configs = [], []
        for model_id in batch:
            info = hub.model_info(endpoint, model_id, policy, options.timeout)
            config = hub.config_json(endpoint, model_id, policy, options.timeout)
            rows.append(enrichment_row(model_id, info, config))
            facts = fingerprint_row(model_id, info, config)
            if facts is not None:
                configs.append(facts)
        run.write_enrichment(rows, done // ENRICH_BATCH, configs)
        done += len(batch)
        run.state["enriched"] = done
        run.save()
        progress(run.state)


def registry_namespaces(registry: Registry) -> list[str]:
    """The Hub namespaces the registry names (the ``orgs`` scope lists each)."""
    aliases = registry.aliases
    return list(aliases.loc[aliases["kind"] == "hf", "alias"])


def expected_models(store: Store, registry: Registry, options: HubOptions) -> int | None:
    """For the ETA: the model count of the latest earlier snapshot of the same query."""
    query = options.query(registry_namespaces(registry))
    earlier = [m for m in store.manifests()
               if m.get("format") == hub.FORMAT_NAME and m.get("query") == query]
    if not earlier:
        return None
    return max(earlier, key=lambda m: m["snapshot_date"])["counts"].get("hub_models")


def collect_hub(catalog: Catalog, registry: Registry, options: HubOptions, progress: Progress,
                namespaces: list[str] | None = None) -> tuple[ImportResult, HubRun]:
    """Collect (or resume) one Hub snapshot and store it."""
    if namespaces is None:
        namespaces = registry_namespaces(registry)
    today = datetime.now(UTC).date()
    run = HubRun.open(catalog.store, options.query(namespaces), today)
    run.state["resumed"] = run.resumed
    policy = RetryPolicy()
    try:
        if not run.state["listing_done"]:
            _list(run, options, namespaces, policy, progress)
        if options.enrich:
            _enrich(run, options, policy, progress)
    except ObservatoryError as exc:
        exc.hint = RESUME_HINT  # the checkpoint stays: the same command goes on from it
        raise
    result = run.finalize(catalog.store)
    if not result.duplicate:
        catalog.refresh()
    return result, run
