"""Where each table and key of a charter file sits, so every problem can name its line."""

from __future__ import annotations

import re

_KEY_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z_.]+)\s*\]\]?")

#: A table's place: its name and its position, e.g. ("commitments", 2); a sub-table of an array of tables
#: carries its parent's position too, e.g. ("commitments.standards", (2, 1)) for the second standard of the third
#: commitment.
Place = tuple[str, object]


class LineIndex:
    """The line of each table header and each key, by table name, position and key."""

    def __init__(self, text: str):
        self.places: dict[tuple, int] = {}
        counters: dict[str, int] = {}
        section: Place = ("", 0)
        in_multiline = False
        for number, line in enumerate(text.splitlines(), start=1):
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                was_in = in_multiline
                in_multiline = not in_multiline
                if was_in:
                    continue
            elif in_multiline:
                continue
            header = _HEADER.match(line)
            if header and not _KEY_LINE.match(line):
                section = self._enter(header.group(1), header.group(2), counters)
                self.places.setdefault(section, number)
                continue
            key = _KEY_LINE.match(line)
            if key:
                self.places.setdefault((*section, key.group(1)), number)

    @staticmethod
    def _enter(bracket: str, name: str, counters: dict[str, int]) -> Place:
        parent, _, _child = name.rpartition(".")
        if bracket != "[[":
            return (name, counters.get(parent, 0)) if parent in counters else (name, 0)
        counters[name] = counters.get(name, -1) + 1
        # A new element of an array of tables starts its own sub-arrays from the first element again.
        for other in [n for n in counters if n.startswith(name + ".")]:
            del counters[other]
        if parent in counters:
            return name, (counters[parent], counters[name])
        return name, counters[name]

    def line(self, section: str, index: object = 0, key: str | None = None) -> int | None:
        if key is not None and (section, index, key) in self.places:
            return self.places[(section, index, key)]
        return self.places.get((section, index))
