"""The phone's odds per prize (wallboard/static/js/phone_odds.js, run in Node) against an exact enumeration of every
draw order, in both draw modes: one prize per agent, and ticket by ticket."""
import json
import random
import shutil
import subprocess
from fractions import Fraction
from itertools import permutations

import pytest

from leaderboard.config import PROJECT_ROOT

NODE = shutil.which("node")
MODULE = PROJECT_ROOT / "wallboard" / "static" / "js" / "phone_odds.js"
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def by_agents(counts: list[int], me: int, prizes: list[int]) -> list[Fraction]:
    """One prize per agent: agents drawn in proportion to their tickets among those left; every order summed."""
    slots = [index for index, quantity in enumerate(prizes) for _ in range(quantity)]
    odds = [Fraction(0)] * len(prizes)

    def walk(left: tuple[int, ...], slot: int, chance: Fraction) -> None:
        if slot == len(slots) or not left:
            return
        total = sum(counts[i] for i in left)
        for agent in left:
            p = chance * Fraction(counts[agent], total)
            if agent == me:
                odds[slots[slot]] += p
            else:
                walk(tuple(i for i in left if i != agent), slot + 1, p)

    walk(tuple(i for i in range(len(counts)) if counts[i]), 0, Fraction(1))
    return odds


def by_tickets(counts: list[int], me: int, prizes: list[int]) -> list[Fraction]:
    """Ticket by ticket: every order of the tickets is equally likely; a prize is mine when one of its slots is."""
    owners = [agent for agent, count in enumerate(counts) for _ in range(count)]
    slots = [index for index, quantity in enumerate(prizes) for _ in range(quantity)]
    wins = [0] * len(prizes)
    orders = list(permutations(range(len(owners)), min(len(slots), len(owners))))
    for order in orders:
        won = {slots[position] for position, ticket in enumerate(order) if owners[ticket] == me}
        for prize in won:
            wins[prize] += 1
    return [Fraction(w, len(orders)) for w in wins]


def run_node(cases: list[dict]) -> list[dict]:
    script = (f"import {{ prizeOdds }} from {json.dumps(MODULE.as_uri())};\n"
              f"const cases = {json.dumps(cases)};\n"
              "console.log(JSON.stringify(cases.map((c) => prizeOdds(c))));\n")
    done = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60,
                          check=True)
    return json.loads(done.stdout)


def cases(seed: int, count: int) -> list[tuple[list[int], int, list[int]]]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        counts = [rng.randint(1, 6) for _ in range(rng.randint(1, 5))]
        prizes = [rng.randint(1, 2) for _ in range(rng.randint(1, 3))]
        found.append((counts, rng.randrange(len(counts)), prizes))
    return found


def as_input(counts: list[int], me: int, prizes: list[int], one_per_agent: bool) -> dict:
    holders: dict[int, int] = {}
    for count in counts:
        holders[count] = holders.get(count, 0) + 1
    return {"mine": counts[me], "holders": sorted(holders.items(), reverse=True), "onePerAgent": one_per_agent,
            "prizes": [{"name": f"prize {i}", "quantity": q} for i, q in enumerate(prizes)]}


def test_odds_per_prize_match_every_draw_order_when_an_agent_wins_once():
    drawn = cases(seed=16, count=40)
    results = run_node([as_input(c, me, p, True) for c, me, p in drawn])
    for (counts, me, prizes), got in zip(drawn, results, strict=True):
        exact = by_agents(counts, me, prizes)
        assert got["perPrize"] == pytest.approx([float(x) for x in exact], abs=5e-4), (counts, me, prizes)
        assert got["any"] == pytest.approx(float(sum(exact)), abs=5e-4)


def test_odds_per_prize_match_every_draw_order_ticket_by_ticket():
    drawn = [(c[:3], min(me, len(c[:3]) - 1), p) for c, me, p in cases(seed=61, count=25) if sum(c[:3]) <= 7]
    results = run_node([as_input(c, me, p, False) for c, me, p in drawn])
    for (counts, me, prizes), got in zip(drawn, results, strict=True):
        exact = by_tickets(counts, me, prizes)
        assert got["perPrize"] == pytest.approx([float(x) for x in exact], abs=1e-9), (counts, me, prizes)


def test_no_tickets_no_chance_and_a_lone_agent_wins_the_first_prize():
    none, alone = run_node([as_input([0, 3], 0, [1, 1], True) | {"mine": 0},
                            as_input([4], 0, [1, 2], True)])
    assert none == {"perPrize": [0, 0], "any": 0}
    assert alone["perPrize"] == pytest.approx([1.0, 0.0], abs=1e-6) and alone["any"] == pytest.approx(1.0, abs=1e-6)
