"""The charter loader takes any file: a charter it can store, or CharterFileError listing the problems; never an
exception of any other kind, and a charter that passes the checks is stored."""

from __future__ import annotations

import math
import tomllib
from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.charters import CharterFileError, parse_charter, store_charter
from core.charters.standards import STANDARD_KEYS
from core.extensions import db
from core.models import Charter
from tests.property.strategies import any_text, hostile, hostile_text, json_values

HARROW = Path(__file__).resolve().parents[2] / "charters" / "harrow.toml"
REAL = tomllib.loads(HARROW.read_text(encoding="utf-8"))
EXPECTATIONS = [{"number": 1, "wording": "Treat staff with respect."}, {"wording": "Allow staff to speak."}]
TWO_PART = [{"metric": "acknowledge", "target": 0, "unit": "working_days"},
            {"metric": "answer", "target": 4, "unit": "rings", "subject": "complaint-stage-2", "share": 0.8}]


# A small TOML writer: every value inline, so any structure (a list where a table belongs, a table where text
# belongs) can be written.

def _string(value: str) -> str:
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, int | date | time):
        return value.isoformat() if not isinstance(value, int) else str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(data: dict) -> str:
    return "\n".join(f"{_string(key)} = {toml_value(value)}" for key, value in data.items()) + "\n"


toml_scalars = st.one_of(
    st.none(), json_values, st.dates(), st.datetimes(), st.times(),
    st.integers(min_value=-(2**70), max_value=2**70), st.floats(), st.sampled_from([0, -1, 2**63, 10**30, 1.5]),
)


def _drop_none(value):
    """TOML has no null: a None leaves the key out."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value if v is not None]
    return value


@st.composite
def mutated_charters(draw, most: int = 4) -> dict:
    """Harrow's real charter with a few values replaced: text, numbers, dates, lists and tables anywhere."""
    data = {"charter": dict(REAL["charter"]), "service_areas": [dict(a) for a in REAL["service_areas"]],
            "commitments": [dict(c) for c in REAL["commitments"]], "expectations": [dict(e) for e in EXPECTATIONS]}
    if draw(st.booleans()):  # a two-part standard written as [[commitments.standards]] tables
        data["commitments"][0] = {key: value for key, value in data["commitments"][0].items()
                                  if key not in STANDARD_KEYS} | {"standards": [dict(s) for s in TWO_PART]}
        data["charter"]["seconds_per_ring"] = 5
    for _ in range(draw(st.integers(min_value=1, max_value=most))):
        section = draw(st.sampled_from(["charter", "service_areas", "commitments", "commitments", "expectations",
                                        "standards", "top"]))
        value = draw(st.one_of(toml_scalars, hostile_text))
        if section == "top":
            data[draw(st.sampled_from(["charter", "service_areas", "commitments", "expectations", "extra"]))] = value
            continue
        target = data["commitments"][0].get("standards") if section == "standards" else data.get(section)
        if isinstance(target, list) and target:
            index = draw(st.integers(min_value=0, max_value=len(target) - 1))
            if draw(st.booleans()) or not isinstance(target[index], dict):
                target[index] = value  # a whole row replaced: text, a number or a list where a table belongs
                continue
            target = target[index]
        if isinstance(target, dict):
            key = draw(st.one_of(st.sampled_from(
                ["council", "council_name", "title", "version", "effective_from", "source", "introduction", "code",
                 "name", "regime", "number", "wording", "channel", "metric", "target", "unit", "share", "rule",
                 "subject", "standards", "seconds_per_ring"]),
                any_text))
            target[key] = value
    return _drop_none(data)


def _load(text: str) -> None:
    try:
        spec = parse_charter(text)
    except CharterFileError as exc:
        assert exc.problems and all(isinstance(message, str) for _line, message in exc.problems)
        return
    before = db.session.scalar(select(func.count(Charter.id)))
    store_charter(spec)
    assert db.session.scalar(select(func.count(Charter.id))) in {before, before + 1}


@hostile
@given(st.one_of(mutated_charters(most=1), mutated_charters()))
def test_a_changed_charter_loads_or_says_what_is_wrong(data):
    text = toml_document(data)
    try:
        tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        assume(False)  # a structure TOML cannot hold (a key twice after case folding, for instance)
    _load(text)


@hostile
@given(st.one_of(hostile_text, st.builds(lambda real, extra: real + extra, st.just(HARROW.read_text()), any_text)))
def test_any_text_loads_or_says_what_is_wrong(text):
    _load(text)


def test_the_writer_round_trips_the_real_charter():
    assert tomllib.loads(toml_document(REAL)) == REAL


@pytest.mark.parametrize("value", [[1], {"a": 1}, 10**30])
def test_writer_handles_structures(value):
    assert tomllib.loads(toml_document({"k": value}))["k"] == value


def test_datetime_values_are_written_as_toml_datetimes():
    value = datetime(2026, 1, 2, 3, 4, 5)
    assert tomllib.loads(toml_document({"k": value}))["k"] == value
