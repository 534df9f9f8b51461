"""What an audit entry changed, read from its before/after states as text lines ("rules.products.GOLD.points: 5 → 8").

Pure: the console renders these lines; the stored states stay as they were written.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MISSING = "—"  # a key the state did not have


@dataclass(frozen=True)
class Change:
    """One leaf that differs between the before and after states, e.g. rules.products.GOLD.points: 5 → 8."""
    path: str
    before: str
    after: str

    def line(self) -> str:
        return f"{self.path}: {self.before} → {self.after}"


def leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    """Every scalar of a JSON state by its path (a.b[2].c); empty objects and lists are leaves too."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(leaves(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and value:
        out = {}
        for index, item in enumerate(value):
            out.update(leaves(item, f"{prefix}[{index}]"))
        return out
    return {prefix or "(state)": value}


def value_text(value: Any) -> str:
    """A state's value as people read it: text as it is, everything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """The leaves that differ, in the order the paths first appear (before's, then new ones of after)."""
    old, new = leaves(before) if before is not None else {}, leaves(after) if after is not None else {}
    out = []
    for path in dict.fromkeys([*old, *new]):
        if path in old and path in new and old[path] == new[path]:
            continue
        out.append(Change(path, value_text(old[path]) if path in old else MISSING,
                          value_text(new[path]) if path in new else MISSING))
    return out
