from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder per test process for exported forms shared by the tests."""
    return tmp_path_factory.mktemp("forms")
