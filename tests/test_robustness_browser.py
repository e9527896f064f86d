"""graph.html of hostile corpora in headless Chromium: no corpus text becomes markup or runs.

The corpora of tests/hostile.py (with fragments such as ``<img src=x onerror=window.__pwned=3>``)
go through `kg build`; the page is opened, searched, and every node selected so its text
reaches the side panel. Nothing may set ``window.__pwned``, add an element, or log an error.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from browser import open_page, require_chromium
from click.testing import CliRunner
from hostile import hostile_corpus, one_extractor, robust, write_jsonl  # noqa: F401  (fixture)
from hypothesis import given

from kg.cli import main
from kg.export.nodelink import read_nodelink

pytestmark = pytest.mark.browser

PAGE_SCRIPTS = 3
PAGE_STYLES = 2


@pytest.fixture(autouse=True, scope="module")
def chromium() -> None:
    require_chromium()


@robust(12, slow_examples=True)
@given(records=hostile_corpus(max_papers=3))
def test_hostile_text_in_the_page_stays_text(one_extractor: None,  # noqa: F811
                                             records: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        corpus = write_jsonl(records, Path(folder) / "corpus.jsonl")
        out = Path(folder) / "outputs"
        result = CliRunner().invoke(main, ["build", str(corpus), "-q", "-o", str(out)])
        if result.exit_code == 2:  # nothing usable (refusals are tested in test_robustness.py)
            return
        assert result.exit_code == 0, result.output
        graph = read_nodelink(out / "graph.json")
        with open_page(out / "graph.html") as run:
            run.page.fill("#kg-search", "pwned")
            run.page.press("#kg-search", "Enter")
            for node in sorted(graph.nodes):
                run.evaluate("id => kg.select(id)", node)
            run.page.hover("#kg-graph")
            shown = run.page.inner_text("#kg-panel")
            assert run.evaluate("typeof window.__pwned") == "undefined"
            assert run.page.locator("script").count() == PAGE_SCRIPTS
            assert run.page.locator("img, svg, iframe, object, embed").count() == 0
            assert run.page.locator("style").count() == PAGE_STYLES
            assert run.requests == [] and run.console_errors == [] and run.page_errors == []
        assert shown.strip()  # the last node selected is shown, as text
