"""The gunicorn settings load the language data in each worker before it serves anyone."""

import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


class FakeWorker:
    def __init__(self):
        self.lines = []
        self.log = self

    def info(self, message):
        self.lines.append(message)


def test_each_worker_loads_the_language_data_before_its_first_request(monkeypatch):
    import core.sentiment.scoring
    import core.sentiment.themes

    called = []
    monkeypatch.setattr(core.sentiment.themes, "themes_for", lambda text: called.append("themes") or [])
    monkeypatch.setattr(core.sentiment.scoring, "score", lambda text: called.append("sentiment"))
    worker = FakeWorker()
    runpy.run_path(str(CONF))["post_worker_init"](worker)
    assert called == ["themes", "sentiment"] and worker.lines == ["Language data loaded"]
