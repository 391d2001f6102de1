"""Paths the Python tests share: the source tree, the CLI binary (ctest sets LE_BIN) and the
data folder, so that a test compares the package with the command line on the same files."""
import os
import shutil

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def cli():
    b = os.environ.get("LE_BIN") or os.path.join(ROOT, "build", "loihi-emu")
    if not os.access(b, os.X_OK):
        b = shutil.which("loihi-emu")
    # A missing binary fails rather than skips: these tests exist to compare with it.
    assert b, "loihi-emu not found: set LE_BIN or build into build/"
    return b


@pytest.fixture(scope="session")
def data_dir():
    return os.environ.get("LE_DATA_DIR") or os.path.join(ROOT, "data")
