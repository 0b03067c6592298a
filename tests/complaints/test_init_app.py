"""complaints.init_app is the one way the package is wired in: importing it connects and registers nothing, and a
second app does not connect or register anything twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Run in a fresh interpreter, so that what importing does is seen before any app is made.
SCRIPT = """
import json
import weakref
from complaints import demo, retention, services, views  # every module that used to wire itself in on import
from complaints.services import receivers
from core import demo as core_demo, events
from feedback import retention as feedback_retention

def wiring():
    signals = {"recorded": (events.feedback_recorded, receivers._open_when_recorded),
               "reclassified": (events.feedback_reclassified, receivers._open_when_reclassified),
               "withdrawn": (events.feedback_withdrawn, receivers._withdraw_when_item_withdrawn),
               "calendar": (events.calendar_changed, services.recompute_due_dates)}
    found = {name: sum(1 for r in signal.receivers.values()
                       if (r() if isinstance(r, weakref.ref) else r) is receiver)
             for name, (signal, receiver) in signals.items()}
    found["tracking"] = events.TRACKING_SECTIONS.count(views.tracking_section)
    found["demo"] = [step.name for step in core_demo.DEMO_STEPS].count("Complaints")
    found["retention"] = sum(isinstance(part, retention.ComplaintRetention) for part in feedback_retention._PARTS)
    return found

imported = wiring()
from app import create_app
config = {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
first = create_app(config)
once = wiring()
second = create_app(config)
print(json.dumps({"imported": imported, "once": once, "twice": wiring(),
                  "blueprint": [sorted(a.blueprints).count("complaints") for a in (first, second)]}))
"""


def test_importing_wires_nothing_and_init_app_wires_everything_once():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    wired_once = {"recorded": 1, "reclassified": 1, "withdrawn": 1, "calendar": 1, "tracking": 1, "demo": 1,
                  "retention": 1}
    assert result["imported"] == dict.fromkeys(wired_once, 0)
    assert result["once"] == wired_once
    assert result["twice"] == wired_once
    assert result["blueprint"] == [1, 1]
