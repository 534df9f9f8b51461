"""The anonymous values pulse: answers checked against the pulse, results only from five answers (pure rules).

Anonymity is by construction: the only trace of who answered is a keyed hash of (pulse, agent), kept apart
from the answers, which carry a random id, the day and nothing else about their author.
"""
from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Sequence
from dataclasses import dataclass

MIN_ANSWERS = 5  # below this, results are hidden: a handful of answers could be told apart
SCORES = (1, 2, 3, 4, 5)


def voter_token(key: bytes, pulse_id: int, agent_id: int) -> str:
    """HMAC-SHA256 of (pulse, agent) under a server secret: refuses a second answer, names nobody."""
    return hmac.new(key, f"pulse:{pulse_id}:agent:{agent_id}".encode(), hashlib.sha256).hexdigest()


def conflict_refusals(conflicts: Sequence[str], values: Sequence[str]) -> list[str]:
    """The conflicts that are not among the pulse's values, or named twice."""
    seen: set[str] = set()
    wrong = []
    for value in conflicts:
        if value not in values or value in seen:
            wrong.append(value)
        seen.add(value)
    return wrong


@dataclass(frozen=True)
class Answer:
    score: int
    conflicts: tuple[str, ...]
    comment: str


@dataclass(frozen=True)
class Results:
    answers: int
    hidden: bool
    mean: float | None = None
    distribution: dict[str, int] | None = None
    conflicts: dict[str, int] | None = None
    comments: list[str] | None = None


def results(answers: Sequence[Answer], values: Sequence[str], shuffle: random.Random) -> Results:
    """Mean score (2 decimals), how many gave each score, how often each value was named, and the
    comments in random order; only the count below MIN_ANSWERS."""
    if len(answers) < MIN_ANSWERS:
        return Results(answers=len(answers), hidden=True)
    distribution = {str(score): sum(1 for a in answers if a.score == score) for score in SCORES}
    conflicts = {value: sum(1 for a in answers if value in a.conflicts) for value in values}
    comments = [a.comment for a in answers if a.comment]
    shuffle.shuffle(comments)
    mean = round(sum(a.score for a in answers) / len(answers), 2)
    return Results(len(answers), False, mean, distribution, conflicts, comments)
