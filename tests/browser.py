"""Open a page in headless Debian Chromium with the network cut off, recording what it tried.

Used by the browser tests (tests/test_html_browser.py) and bench/bench_html.py. Playwright's
own browser download is never used: it needs the network; /usr/bin/chromium is driven instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def require_chromium() -> None:
    """Skip the calling test without Chromium, except under CI, where that is a failure."""
    import pytest

    if CHROMIUM.exists():
        return
    reason = f"chromium not installed at {CHROMIUM}: apt-get install chromium"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the browser tests)")
    pytest.skip(reason)


@dataclass
class PageRun:
    """A loaded page and everything it did that a self-contained page must not do."""

    page: Any
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def evaluate(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)


@contextmanager
def open_page(path: Path, *, wait_ready: bool = True, timeout_ms: int = 120_000,
              viewport: tuple[int, int] = (1400, 900)) -> Iterator[PageRun]:
    """Load `path` from file:// and, unless told not to, wait until the page says it is drawn
    and still (``window.kg.ready``). Every request that is not for a file is aborted and kept
    in `requests`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            page = context.new_page()
            run = PageRun(page)

            def block(route: Any) -> None:
                url = route.request.url
                if url.startswith("file://"):
                    route.continue_()
                else:
                    run.requests.append(url)
                    route.abort()

            context.route("**/*", block)
            page.on("console", lambda message: message.type == "error"
                    and run.console_errors.append(message.text))
            page.on("pageerror", lambda error: run.page_errors.append(str(error)))
            page.on("request", lambda request: not request.url.startswith(("file:", "data:"))
                    and request.url not in run.requests and run.requests.append(request.url))
            page.goto(Path(path).resolve().as_uri())
            if wait_ready:
                page.wait_for_function("window.kg !== undefined && window.kg.ready",
                                       timeout=timeout_ms)
            yield run
        finally:
            browser.close()
