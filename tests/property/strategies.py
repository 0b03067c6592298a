"""Hostile input for the property tests: any Unicode (control and zero-width characters, emoji, right-to-left
text, NUL), very long strings, raw bytes, and JSON-like structures where text is expected."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: A modest number of examples per test, so the whole property suite stays within about a minute on SQLite.
#: Function-scoped fixtures (the client, a signed-in user) are shared by a test's examples on purpose.
hostile = settings(max_examples=25, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                          HealthCheck.data_too_large, HealthCheck.filter_too_much])

#: Strings that have broken text handling elsewhere, given a good chance of coming up.
AWKWARD = [
    "", " ", "\x00", "a\x00b", "\t\n\r", "\u200b", "\u200b\u200c\u200d\ufeff", "\u202e\u0645\u0631\u062d\u0628\u0627",
    "\u05e9\u05dc\u05d5\u05dd", "\U0001f600\U0001f4a9", "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "e\u0301\u0301\u0301", "\ufffd", "\x7f\x85\u2028\u2029", "...", "!!!", "123", "--", "''", '"',
    "<script>alert(1)</script>", "{{ 7 * 7 }}", "'; DROP TABLE feedback_item; --", "%s %d %(x)s", "../../etc/passwd",
    "I\u0307stanbul", "\u00df" * 50, "\U0001d573\U0001d58a\U0001d58a", "ﷺ", "\u0000" * 10,
]

#: Any text that can be sent as UTF-8 (no lone surrogates), including control characters.
any_text = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "So", "Sk"]), max_size=20),
)

#: Longer than any field allows, so the length rules are met rather than the database's column sizes.
long_text = st.builds(lambda piece, times: piece * times, st.sampled_from(["a", "\U0001f600", "\u200b", "x y "]),
                      st.integers(min_value=255, max_value=5_000))

hostile_text = st.one_of(any_text, any_text, any_text, long_text)

#: Words a real resident might write, mixed with hostile text, so validation sometimes passes and the write runs.
plausible = st.sampled_from(["The bin was missed again.", "Thank you", "Great service from the library staff.",
                             "Ada Lovelace", "ada@example.com", "01234 567890", "1 High Street", "HA1 2AA"])
mixed_text = st.one_of(plausible, hostile_text, st.builds("{} {}".format, plausible, any_text))

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), any_text)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)), max_leaves=8)

hostile_bytes = st.one_of(st.binary(max_size=300), st.builds(str.encode, any_text),
                          st.builds(lambda t: t.encode("utf-16"), any_text),
                          st.sampled_from([b"\xff\xfe", b"\xef\xbb\xbf", b"\x00\x00", b"PK\x03\x04", b"\x80\x81"]))
