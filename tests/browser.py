"""Headless Chromium from the system, for the tests that drive a real Web UI (no browser is downloaded)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Chromium's flags for Playwright's ``launch(executable_path=..., args=CHROMIUM_FLAGS)``."""


def chromium_or_skip() -> str:
    """The path of the system's Chromium; without one the test is skipped, except on CI, where it fails."""
    chromium = shutil.which("chromium")
    if chromium is None:
        message = "Chromium is not installed; install it with `sudo apt-get install chromium` to run this test"
        if os.environ.get("CI"):
            pytest.fail(f"{message}. CI must run the browser test: .ci/run installs Chromium.")
        pytest.skip(message)
    return chromium
