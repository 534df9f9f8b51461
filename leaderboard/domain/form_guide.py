"""A league's form guide: each side's last few outcomes (W, D, L), oldest first, as TVs show it."""
from __future__ import annotations

from collections.abc import Iterable

from leaderboard.domain.league import MatchResult

FORM_LENGTH = 5


def form_guide(results: Iterable[MatchResult], length: int = FORM_LENGTH) -> dict[str, list[str]]:
    """`results` in the order the matches ended; a side without a decided match has no entry."""
    form: dict[str, list[str]] = {}
    for result in results:
        home, away = result.home_goals, result.away_goals
        form.setdefault(result.home, []).append("W" if home > away else "D" if home == away else "L")
        form.setdefault(result.away, []).append("W" if away > home else "D" if home == away else "L")
    return {site: outcomes[-length:] for site, outcomes in form.items()}
