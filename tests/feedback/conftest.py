"""Feedback fixtures: evidence files go to a throwaway folder; Harrow's charter is the one residents see."""

from pathlib import Path

import pytest

from core.charters import load_charter_file

HARROW = Path(__file__).resolve().parents[2] / "charters" / "harrow.toml"


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "CHARTERLINE_UPLOAD_DIR", str(folder))
    return folder


@pytest.fixture
def charter():
    loaded, _created = load_charter_file(HARROW)
    return loaded
