"""The registry loader: shipped files load and validate, overrides merge on top, a malformed
override is one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.errors import RegistryError
from observatory.registry.attribute import attribute_arena
from observatory.registry.loader import load_registry
from tests.registry.helpers import arena_models


def test_shipped_registry_is_valid(tmp_path: Path) -> None:
    registry = load_registry(tmp_path)
    assert registry.organisations["org_id"].is_unique
    assert set(registry.aliases["kind"]) == {"hf", "arena", "aa"}
    assert len(registry.sources) == 6


def test_user_override_replaces_and_extends(tmp_path: Path) -> None:
    (tmp_path / "organisations.csv").write_text(
        "org_id,name,country,kind,evidence\n"
        "deepseek,DeepSeek,SG,company,test override\n"
        "nobody,Nobody Inc,DE,company,test addition\n")
    (tmp_path / "org_aliases.csv").write_text("kind,alias,org_id\narena,Nobody Inc,nobody\n")
    registry = load_registry(tmp_path)
    out = attribute_arena(arena_models(
        ("DeepSeek-R1", "DeepSeek-R1", "DeepSeek", "MIT", None),
        ("mystery-1", "mystery-1", "Nobody Inc", "Apache 2.0", None),
    ), registry)
    assert list(out["country"]) == ["SG", "DE"]
    assert str(tmp_path / "organisations.csv") in registry.sources


@pytest.mark.parametrize(("name", "text", "message"), [
    ("organisations.csv", "org_id,name,country,kind,evidence\nx,X,China,company,e\n",
     "row 2, field 'country': not an ISO alpha-2 code"),
    ("organisations.csv", "org_id,name,country,kind,evidence\nx,X,CN,startup,e\n",
     "row 2, field 'kind'"),
    ("org_aliases.csv", "kind,alias,org_id\narena,Foo,no-such-org\n",
     "row 2, field 'org_id': unknown organisation 'no-such-org'"),
    ("licences.csv", "label,licence_class,open_weights,evidence\nFoo,free,yes,e\n",
     "row 2, field 'licence_class'"),
    ("model_facts.csv", "model_key,org_id\nx,openai\n", "missing column 'open_weights'"),
])
def test_malformed_override_is_one_clear_error(tmp_path: Path, name: str, text: str,
                                               message: str) -> None:
    (tmp_path / name).write_text(text)
    with pytest.raises(RegistryError) as caught:
        load_registry(tmp_path)
    assert str(caught.value).startswith(str(tmp_path / name))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
