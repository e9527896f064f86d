"""Fixtures shared across the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data beside the checkout (the dev gold and the listing with ids)."""
    if not (SHARED_DATA / "gold_dev.jsonl").is_file():
        pytest.skip(f"{SHARED_DATA} not present (it sits beside the checkout on dev machines and in CI)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kg build` of the bundled listing, made once per session; tests must not modify it."""
    from kg.workflow import build

    out = tmp_path_factory.mktemp("bundled") / "outputs"
    build([], out)
    return out
