"""What the tests of jobs that read the fake Hub's dataset repositories share (the ``hub``
fixture is in ``conftest.py``)."""

from __future__ import annotations

from observatory.sources.http import RetryPolicy


def no_wait() -> RetryPolicy:
    """The run's retry policy, without the sleeping."""
    return RetryPolicy(sleep=lambda seconds: None)
