"""Test helpers: a fake Hugging Face Hub serving deterministic synthetic models.

``synthetic_model(seed, index, n)`` is the record model ``index`` of ``n`` gets; ``FakeHub`` serves them
on 127.0.0.1 in the Hub's wire format with injectable ``Faults``. Names load lazily, so that
``python -m observatory.testing.fakehub`` does not import the server module twice.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from observatory.testing.fakehub import (
        FakeHub,
        FakeHubConfig,
        Faults,
        main,
        run_fakehub_in_process,
        start_fakehub_subprocess,
    )
    from observatory.testing.synth import parameter_counts, synthetic_config, synthetic_model

_WHERE = {
    "FakeHub": "fakehub", "FakeHubConfig": "fakehub", "Faults": "fakehub", "main": "fakehub",
    "run_fakehub_in_process": "fakehub", "start_fakehub_subprocess": "fakehub",
    "synthetic_model": "synth", "synthetic_config": "synth", "parameter_counts": "synth",
}
__all__ = [
    "FakeHub",
    "FakeHubConfig",
    "Faults",
    "main",
    "parameter_counts",
    "run_fakehub_in_process",
    "start_fakehub_subprocess",
    "synthetic_config",
    "synthetic_model",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'observatory.testing' has no attribute {name!r}")
    return getattr(import_module(f"observatory.testing.{module}"), name)
