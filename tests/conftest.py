"""Fixtures shared by several test files (pytest loads this file for every test in tests/)."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_ENV = "WI_REQUIRE_BROWSER"
_spec = importlib.util.spec_from_file_location("wi_lab_harness_conftest",
                                               REPO / "tools" / "lab_harness.py")
_harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_harness)
CHROMIUM_ARGS = _harness.CHROMIUM_ARGS  # the flags this machine's closed network needs


def browser_unavailable(reason: str):
    """Skip, or fail when WI_REQUIRE_BROWSER=1 (CI): there a missing browser is a failure."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: the browser tests must run here)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_browser():
    """Headless Chromium via Playwright, one for the whole session: Playwright's sync API
    cannot be started twice in one thread while the first is running."""
    if not CHROMIUM.exists():
        browser_unavailable(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("the playwright Python package is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
