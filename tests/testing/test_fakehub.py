"""The fake Hub: deterministic synthetic models, the Hub's wire format, pagination, filters, faults."""

from __future__ import annotations

import base64
import collections
import glob
import json
import re
from collections.abc import Iterator
from datetime import datetime

import httpx2 as httpx
import numpy as np
import pytest

from observatory.testing import (
    FakeHub,
    FakeHubConfig,
    Faults,
    parameter_counts,
    run_fakehub_in_process,
    start_fakehub_subprocess,
    synthetic_config,
    synthetic_model,
)
from observatory.testing.synth import RECORD_FIELDS, universe
from tests.conftest import SHARED, need_shared

N = 6000
SEED = 11
ALL = ["author", "cardData", "config", "createdAt", "downloads", "downloadsAllTime", "gated", "lastModified",
       "library_name", "likes", "pipeline_tag", "safetensors", "tags"]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(scope="module")
def hub() -> Iterator[FakeHub]:
    with run_fakehub_in_process(N, seed=SEED) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as c:
        yield c


def walk(client: httpx.Client, base: str, params: list[tuple[str, str]]) -> tuple[list[dict], int]:
    """Every record of a listing, following Link headers; (records, pages)."""
    url, out, pages = f"{base}/api/models", [], 0
    query: list[tuple[str, str]] | None = params
    while url:
        r = client.get(url, params=query)
        assert r.status_code == 200, r.text
        out += r.json()
        pages += 1
        url, query = r.links.get("next", {}).get("url"), None
    return out, pages


# -- synthetic data --------------------------------------------------------------------------


def test_synthetic_model_is_deterministic_and_ids_unique() -> None:
    assert synthetic_model(SEED, 1234, N) == synthetic_model(SEED, 1234, N)
    assert synthetic_model(SEED, 1234, N)["id"] != synthetic_model(SEED, 1235, N)["id"]
    assert synthetic_model(SEED, 1234, N) != synthetic_model(SEED + 1, 1234, N)
    u = universe(SEED, 50_000)
    ids = u.ids(u.lineage(np.arange(50_000)))
    assert len(set(ids)) == 50_000
    assert all(u.index_of(ids[i]) == i for i in (0, 99, 4321, 49_999))
    assert u.index_of(ids[77].upper()) == 77
    assert u.index_of("nobody/Nothing-7") is None
    with pytest.raises(IndexError):
        synthetic_model(SEED, N, N)


def test_record_shape() -> None:
    for i in (0, 1, 250, 3333, N - 1):
        rec = synthetic_model(SEED, i, N)
        assert re.fullmatch(r"[0-9a-f]{24}", rec["_id"])
        assert rec["id"].count("/") == 1 and rec["author"] == rec["id"].split("/")[0]
        assert ISO.match(rec["createdAt"]) and ISO.match(rec["lastModified"])
        assert rec["lastModified"] >= rec["createdAt"]
        assert "2022-01-01" <= rec["createdAt"] <= "2026-10-31T23:59:59.999Z"
        assert rec["downloadsAllTime"] >= rec["downloads"] >= 0 and rec["likes"] >= 0
        assert rec["private"] is False and rec["gated"] in (False, "auto", "manual")
        assert "region:us" in rec["tags"]
        assert set(rec) <= {"_id", "id", *RECORD_FIELDS}


def test_fast_encoding_equals_reference_records() -> None:
    u = universe(SEED, 40_000)
    idx = list(range(0, 40_000, 13))
    fields = (*RECORD_FIELDS, "siblings", "modelId")
    fast = json.loads(u.encode_many(idx, fields))
    batch = u.batch(idx)
    assert [batch.record(k, fields) for k in range(len(idx))] == fast
    assert fast[5] == u.record(idx[5], fields)


def test_lineage_parents_are_earlier_or_missing() -> None:
    n = 30_000
    u = universe(SEED, n)
    recs = json.loads(u.encode_many(range(n), ["tags", "createdAt", "cardData"]))
    created = {r["id"]: r["createdAt"] for r in recs}
    index = {r["id"]: i for i, r in enumerate(recs)}
    assert [u.index_of(recs[i]["id"]) for i in (0, 777, n - 1)] == [0, 777, n - 1]
    relations, missing = collections.Counter(), 0
    for i, rec in enumerate(recs):
        bases = [t.split(":", 2)[2] for t in rec["tags"] if t.count(":") >= 2 and t.startswith("base_model:")]
        relations.update({t.split(":")[1] for t in rec["tags"]
                          if t.startswith("base_model:") and t.count(":") >= 2})
        for base in bases:
            j = index.get(base)
            if j is None:
                assert base.startswith("removed-")
                missing += 1
                continue
            assert j < i and created[base] <= rec["createdAt"]
            assert f"base_model:{base}" in rec["tags"]
        card = rec.get("cardData") or {}
        if bases and "base_model" in card:
            declared = card["base_model"] if isinstance(card["base_model"], list) else [card["base_model"]]
            assert declared == bases
    total = sum(relations.values())
    assert 0.005 * total < missing < 0.05 * total
    assert relations["finetune"] > relations["quantized"] > 0
    assert relations["adapter"] > 0 and relations["merge"] > 0


def test_distribution_is_plausible() -> None:
    n = 40_000
    u = universe(SEED, n)
    recs = json.loads(u.encode_many(range(n), ["downloads", "likes", "pipeline_tag", "author", "createdAt",
                                               "config", "gated", "safetensors"]))
    downloads = np.array(sorted((r["downloads"] for r in recs), reverse=True))
    assert downloads[: n // 100].sum() > 0.5 * downloads.sum()  # the top 1 % hold most downloads
    assert (downloads == 0).mean() > 0.3 and np.median(downloads) <= 5
    authors = collections.Counter(r["author"] for r in recs)
    orgs = set(u.orgs)
    org_share = sum(c for a, c in authors.items() if a in orgs) / n
    assert 0.12 < org_share < 0.2
    top_orgs = [a for a, _ in authors.most_common() if a in orgs][:7]
    assert {"Qwen", "google", "meta-llama", "microsoft", "nvidia"} & set(top_orgs)
    pipelines = collections.Counter(r.get("pipeline_tag") for r in recs)
    assert pipelines.most_common(1)[0][0] == "text-generation"
    assert pipelines["image-text-to-text"] > 0 and pipelines["text-to-image"] > 0
    years = collections.Counter(r["createdAt"][:4] for r in recs)
    assert set(years) == {"2022", "2023", "2024", "2025", "2026"} and years["2026"] > years["2022"]
    assert {str(r["gated"]) for r in recs} == {"False", "auto", "manual"}
    moe = [i for i, r in enumerate(recs) if (r.get("config") or {}).get("model_type") in
           ("qwen3_moe", "mixtral", "deepseek_v3", "gpt_oss")]
    assert moe
    with_config = [i for i in moe if synthetic_config(SEED, i, n) is not None]
    config = synthetic_config(SEED, with_config[0], n)
    assert config is not None
    assert config.get("num_experts_per_tok") and any(
        k in config for k in ("num_local_experts", "n_routed_experts", "num_experts"))
    total, active = parameter_counts(SEED, with_config[0], n)
    assert active < total


def tag_shape(tag: str) -> str:
    """``base_model:finetune:x/y`` -> ``base_model:finetune:``; "" for tags without structure."""
    if tag.startswith("base_model:"):
        head, _, rest = tag[len("base_model:"):].partition(":")
        return f"base_model:{head}:" if rest else "base_model:"
    return "license:" if tag.startswith("license:") else ""


def test_records_have_the_real_hub_shape() -> None:
    """Field names and value types match the real records in ../shared/data/hf-model-tree."""
    need_shared(SHARED / "hf-model-tree")
    import pandas as pd

    camel = {"created_at": "createdAt", "last_modified": "lastModified",
             "downloads_all_time": "downloadsAllTime", "card_data": "cardData",
             "trending_score": "trendingScore", "used_storage": "usedStorage"}
    real: dict[str, set[str]] = collections.defaultdict(set)
    tag_shapes = set()
    for path in glob.glob(str(SHARED / "hf-model-tree" / "*.csv")):
        for text in pd.read_csv(path)["metadata"]:
            rec = json.loads(text)
            if "id" not in rec:
                continue
            for key, value in rec.items():  # names even when null (downloads_all_time always is)
                real[camel.get(key, key)] |= {type(value).__name__} if value is not None else set()
            tag_shapes |= {tag_shape(t) for t in rec["tags"]}
    ours = synthetic_model(SEED, 4321, N)
    for i in range(200, 1200, 7):
        rec = synthetic_model(SEED, i, N)
        if "safetensors" in rec and "cardData" in rec and any(tag_shape(t) for t in rec["tags"]):
            ours = rec
            break
    for key, value in ours.items():
        if key in ("_id", "gguf", "cardData"):  # cardData: a dict in the API, YAML text once serialised
            continue
        assert key in real, key
        assert not real[key] or type(value).__name__ in real[key] or key == "gated", (key, value, real[key])
    assert set(ours["safetensors"]) == {"parameters", "total"}
    assert {"architectures", "model_type"} <= set(ours["config"])
    for key in ("createdAt", "lastModified"):  # the real ones went through datetime.__str__
        datetime.fromisoformat(ours[key].replace("Z", "+00:00"))
    assert {tag_shape(t) for t in ours["tags"]} <= tag_shapes


# -- listing ---------------------------------------------------------------------------------


def test_pagination_walks_every_model_once(hub: FakeHub, client: httpx.Client) -> None:
    records, pages = walk(client, hub.base_url, [("limit", "1000"), *[("expand", f) for f in ALL]])
    assert pages == 6 and len(records) == N
    assert [r["id"] for r in records] == hub.universe.ids(hub.universe.lineage(np.arange(N)))
    small, pages = walk(client, hub.base_url, [("limit", "333"), ("expand", "downloads")])
    assert pages == -(-N // 333) and [r["id"] for r in small] == [r["id"] for r in records]
    r = client.get(f"{hub.base_url}/api/models", params={"limit": 5000})  # capped at the Hub's 1000
    assert len(r.json()) == 1000
    link = r.headers["link"]
    assert link.startswith(f"<{hub.base_url}/api/models?") and link.endswith('>; rel="next"')
    cursor = re.search(r"cursor=([^&>]+)", link).group(1)
    assert json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))) == {"$i": 1000}
    bad = client.get(f"{hub.base_url}/api/models", params={"cursor": "not-a-cursor!"})
    assert bad.status_code == 400
    assert client.get(f"{hub.base_url}/api/models", params={"sort": "trending"}).status_code == 400


def test_sorted_listing_is_descending_and_complete(hub: FakeHub, client: httpx.Client) -> None:
    params = [("limit", "700"), ("sort", "downloads"), ("direction", "-1"), ("expand", "downloads")]
    records, _ = walk(client, hub.base_url, params)
    downloads = [r.get("downloads", 0) for r in records]
    assert len(records) == N and len({r["id"] for r in records}) == N
    assert downloads == sorted(downloads, reverse=True)


def test_expand_returns_exactly_the_requested_fields(hub: FakeHub, client: httpx.Client) -> None:
    url = f"{hub.base_url}/api/models"
    r = client.get(url, params=[("limit", "50"), ("expand", "downloads"), ("expand", "likes")])
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    assert all(set(rec) == {"_id", "id", "downloads", "likes"} for rec in r.json())
    full = client.get(url, params=[("limit", "300"), *[("expand", f) for f in ALL]]).json()
    assert all({"_id", "id", "author", "createdAt", "lastModified", "downloads", "downloadsAllTime", "likes",
                "tags", "gated"} <= set(rec) <= {"_id", "id", *ALL} for rec in full)
    assert any("safetensors" in rec for rec in full) and any("cardData" in rec for rec in full)
    default = client.get(url, params={"limit": 100}).json()
    assert all({"_id", "id", "likes", "trendingScore", "private", "downloads", "tags", "createdAt",
                "modelId"} <= set(rec) <= {"_id", "id", "likes", "trendingScore", "private", "downloads",
                                           "tags", "pipeline_tag", "library_name", "createdAt", "modelId"}
               for rec in default)
    assert client.get(url, params={"expand": "nonsense"}).status_code == 400


def test_filters(hub: FakeHub, client: httpx.Client) -> None:
    every, _ = walk(client, hub.base_url, [("expand", f) for f in ("author", "pipeline_tag", "tags")])
    for params, keep in [
        ([("author", "Qwen")], lambda r: r["author"] == "Qwen"),
        ([("pipeline_tag", "image-text-to-text")], lambda r: r.get("pipeline_tag") == "image-text-to-text"),
        ([("filter", "gguf")], lambda r: "gguf" in r["tags"]),
        ([("filter", "license:mit"), ("pipeline_tag", "text-generation")],
         lambda r: "license:mit" in r["tags"] and r.get("pipeline_tag") == "text-generation"),
        ([("search", "qwen3")], lambda r: "qwen3" in r["id"].lower()),
        ([("author", every[7]["author"])], lambda r: r["author"] == every[7]["author"]),
    ]:
        expected = [r["id"] for r in every if keep(r)]
        got, _ = walk(client, hub.base_url, [("limit", "37"), ("expand", "tags"), *params])
        assert [r["id"] for r in got] == expected, params
        assert expected
    empty, pages = walk(client, hub.base_url, [("author", "no-such-user")])
    assert empty == [] and pages >= 1


def test_selective_filters_page_short_but_complete(client: httpx.Client) -> None:
    with FakeHub(FakeHubConfig(models=3000, seed=4, scan_limit=400, prefetch_pages=2)) as hub:
        every, _ = walk(client, hub.base_url, [("expand", "pipeline_tag")])
        expected = [r["id"] for r in every if r.get("pipeline_tag") == "image-classification"]
        url, query, got, sizes = f"{hub.base_url}/api/models", [("pipeline_tag", "image-classification"),
                                                                ("limit", "50")], [], []
        while url:
            r = client.get(url, params=query)
            got += [m["id"] for m in r.json()]
            sizes.append(len(r.json()))
            url, query = r.links.get("next", {}).get("url"), None
        assert got == expected and len(sizes) > 3 and min(sizes) < 50


def test_model_info_and_404(hub: FakeHub, client: httpx.Client) -> None:
    rec = synthetic_model(SEED, 4000, N)
    r = client.get(f"{hub.base_url}/api/models/{rec['id']}")
    info = r.json()
    assert r.status_code == 200 and info["id"] == rec["id"] and info["_id"] == rec["_id"]
    assert info["tags"] == rec["tags"] and info["downloads"] == rec["downloads"]
    assert info.get("config") == rec.get("config") and "siblings" in info and "sha" in info
    r = client.get(f"{hub.base_url}/api/models/{rec['id']}/revision/main", params={"expand": "downloads"})
    assert set(r.json()) == {"_id", "id", "downloads"}
    missing = client.get(f"{hub.base_url}/api/models/nobody/nothing-1")
    assert missing.status_code == 404 and missing.json() == {"error": "Repository not found"}
    assert missing.headers["x-error-code"] == "RepoNotFound"


def test_config_json(hub: FakeHub, client: httpx.Client) -> None:
    u = hub.universe
    recs = json.loads(u.encode_many(range(2000), ["config", "safetensors", "tags"]))
    with_config = next(i for i, r in enumerate(recs) if "architectures" in (r.get("config") or {})
                       and "safetensors" in r and not r["config"].get("quantization_config"))
    r = client.get(f"{hub.base_url}/{recs[with_config]['id']}/resolve/main/config.json")
    assert r.status_code == 200 and r.headers["x-repo-commit"] and r.headers["etag"]
    config = r.json()
    assert config == synthetic_config(SEED, with_config, N)
    assert config["architectures"] == recs[with_config]["config"]["architectures"]
    assert parameter_counts(SEED, with_config, N)[0] == recs[with_config]["safetensors"]["total"]
    assert {"hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "vocab_size",
            "intermediate_size", "max_position_embeddings", "torch_dtype"} <= set(config)
    head = client.head(f"{hub.base_url}/{recs[with_config]['id']}/resolve/main/config.json")
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(r.content)
    gguf = next(r["id"] for r in recs if "gguf" in r["tags"])
    assert client.get(f"{hub.base_url}/{gguf}/resolve/main/config.json").status_code == 404


def test_huggingface_hub_parses_the_fake_hub(hub: FakeHub) -> None:
    from huggingface_hub import HfApi

    api = HfApi(endpoint=hub.base_url)
    models = list(api.list_models(expand=ALL, limit=1500))
    assert len(models) == 1500 and len({m.id for m in models}) == 1500
    m = next(m for m in models if m.safetensors and m.card_data and m.config)
    assert m.created_at.year >= 2022 and m.downloads_all_time >= m.downloads
    assert m.safetensors.total > 0 and m.config["model_type"]
    authors = {m.id for m in api.list_models(author="google", expand=["author"])}
    assert authors and all(a.startswith("google/") for a in authors)
    info = api.model_info(m.id)
    assert info.id == m.id and info.sha and info.siblings
    assert api.model_info(m.id, expand=["safetensors"]).safetensors.total == m.safetensors.total
    from huggingface_hub import hf_hub_download

    path = hf_hub_download(m.id, "config.json", endpoint=hub.base_url)
    with open(path) as fh:
        assert json.load(fh)["model_type"] == m.config["model_type"]


# -- faults ----------------------------------------------------------------------------------


def fresh_hub(**faults: object) -> FakeHub:
    return FakeHub(FakeHubConfig(models=1500, seed=3, page_size=1000, faults=Faults(**faults)))


def test_rate_limit_headers_and_429(client: httpx.Client) -> None:
    from huggingface_hub.utils import parse_ratelimit_headers

    with fresh_hub(rate_limit=3, rate_window=60) as hub:
        url = f"{hub.base_url}/api/models"
        remaining = []
        for _ in range(3):
            r = client.get(url, params={"limit": 10})
            assert r.status_code == 200
            info = parse_ratelimit_headers(r.headers)
            remaining.append(info.remaining)
            assert info.limit == 3 and info.window_seconds == 60 and 0 < info.reset_in_seconds <= 60
        assert remaining == [2, 1, 0]
        r = client.get(url, params={"limit": 10})
        assert r.status_code == 429 and 0 < int(r.headers["retry-after"]) <= 60
        assert r.headers["ratelimit"].startswith('"api";r=0;t=')
        assert r.headers["ratelimit-policy"] == '"fixed window";"api";q=3;w=60'
        assert hub.stats()["faults"]["rate_limited"] == 1
        client.post(f"{hub.base_url}/_fakehub/reset")
        assert client.get(url, params={"limit": 10}).status_code == 200


def test_errors_are_deterministic_and_settable_at_runtime(client: httpx.Client) -> None:
    with fresh_hub() as hub:
        url = f"{hub.base_url}/api/models"
        assert client.get(url, params={"limit": 5}).status_code == 200
        r = client.post(f"{hub.base_url}/_fakehub/faults", json={"error_rate": 0.4, "seed": 9})
        assert r.status_code == 200 and r.json()["error_rate"] == 0.4
        assert client.post(f"{hub.base_url}/_fakehub/faults", json={"bogus": 1}).status_code == 400

        def statuses() -> list[int]:
            return [client.get(url, params={"limit": 5}).status_code for _ in range(40)]

        hub.reset()
        first = statuses()
        assert set(first) - {200} <= {500, 502, 503} and 5 < first.count(200) < 35
        hub.reset()
        assert statuses() == first
        stats = client.get(f"{hub.base_url}/_fakehub/stats").json()
        assert stats["requests"] == 40 and stats["faults"]["errors"] == 40 - first.count(200)


def test_timeout_fault(client: httpx.Client) -> None:
    with fresh_hub(timeout_every=2, timeout_seconds=0.6) as hub:
        url = f"{hub.base_url}/api/models"
        assert client.get(url, params={"limit": 5}).status_code == 200
        with pytest.raises(httpx.ReadTimeout):
            client.get(url, params={"limit": 5}, timeout=0.2)
        assert client.get(url, params={"limit": 5}).status_code == 200
        assert hub.stats()["faults"]["timeouts"] == 1


def test_truncated_body(client: httpx.Client) -> None:
    with fresh_hub(truncate_every=2) as hub:
        url = f"{hub.base_url}/api/models"
        assert len(client.get(url, params={"limit": 50}).json()) == 50
        r = client.get(url, params={"limit": 50})
        assert r.status_code == 200 and int(r.headers["content-length"]) == len(r.content)
        with pytest.raises(json.JSONDecodeError):
            json.loads(r.content)
        assert len(client.get(url, params={"limit": 50}).json()) == 50


def test_repeated_page_keeps_the_right_link(client: httpx.Client) -> None:
    with fresh_hub(repeat_every=3) as hub:
        url, params = f"{hub.base_url}/api/models", {"limit": "100"}
        pages, links = [], []
        next_url: str | None = url
        while next_url and len(pages) < 4:
            r = client.get(next_url, params=params)
            pages.append([m["id"] for m in r.json()])
            links.append(r.links["next"]["url"])
            next_url, params = links[-1], None
        assert pages[2] == pages[1] and pages[3] != pages[2]  # the 3rd answer repeated the 2nd page
        assert "cursor=" + links[2].split("cursor=")[1] != links[1].split("cursor=")[1]
        assert hub.stats()["faults"]["repeated"] == 1
        # a client that refetches a repeated page gets every model exactly once
        seen: list[str] = []
        next_url, params = url, {"limit": "100"}
        hub.reset()
        while next_url:
            r = client.get(next_url, params=params)
            ids = [m["id"] for m in r.json()]
            if seen and ids and ids[0] in seen:
                continue  # repeated: ask again
            seen += ids
            next_url, params = r.links.get("next", {}).get("url"), None
        assert len(seen) == len(set(seen)) == 1500


def test_subprocess_helper() -> None:
    proc, url = start_fakehub_subprocess(2000, seed=5, faults=Faults(rate_limit=100))
    try:
        r = httpx.get(f"{url}/api/models", params={"limit": 10, "expand": "downloads"}, timeout=10)
        assert r.status_code == 200 and len(r.json()) == 10 and "ratelimit" in r.headers
        assert r.json()[3] == {k: v for k, v in synthetic_model(5, 3, 2000).items()
                               if k in ("_id", "id", "downloads")}
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
