"""Unit tests for lucky-draw proofs: built proofs agree with the reference, tampering is caught."""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest

from leaderboard.domain import draws
from leaderboard.domain.draws import ALGORITHM, Verification, build_proof, ticket_lines, verify_proof
from tests.draw_reference import FIXTURES, fixture_proof, lines_of, ref_verify, ref_winners, seed_for

# --- Proofs ---

@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_build_proof_agrees_with_independent_reference(name):
    pairs, slots, one_per_agent = FIXTURES[name]
    seed = seed_for(name)
    lines = lines_of(pairs)
    assert ticket_lines(pairs) == lines
    proof = build_proof(seed, lines, "btc-block-850000", slots, one_per_agent)
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    assert proof == {
        "algorithm": "hmac-sha256-rejection-v1",
        "commitment": hashlib.sha256(seed).hexdigest(),
        "seed": seed.hex(),
        "tickets_digest": digest,
        "public_entropy": "btc-block-850000",
        "slots": slots,
        "one_prize_per_agent": one_per_agent,
        "tickets": lines,
        "winners": ref_winners(seed, digest, "btc-block-850000", lines, slots, one_per_agent),
    }
    assert ref_verify(proof) is None
    assert verify_proof(proof) == Verification(True, None, None)
    assert verify_proof(json.loads(json.dumps(proof))).ok


def test_proof_uses_published_algorithm_name():
    assert ALGORITHM == "hmac-sha256-rejection-v1"
    assert fixture_proof("one ticket")["algorithm"] == ALGORITHM


def _swap_first_two_lines(p):
    p["tickets"][0], p["tickets"][1] = p["tickets"][1], p["tickets"][0]


def _duplicate_first_id(p):
    p["tickets"][1] = p["tickets"][0].split(" ")[0] + " bob"


def _change_agent_in_line(p):
    p["tickets"][3] = p["tickets"][3].split(" ")[0] + " mallory"


def _change_line_and_recompute_digest(p):
    _change_agent_in_line(p)
    p["tickets_digest"] = hashlib.sha256("\n".join(p["tickets"]).encode()).hexdigest()


def _new_seed_with_matching_commitment(p):
    p["seed"] = seed_for("chosen later").hex()
    p["commitment"] = hashlib.sha256(seed_for("chosen later")).hexdigest()


TAMPERS = {
    "other seed": (lambda p: p.update(seed=seed_for("other").hex()), "commitment"),
    "other commitment": (lambda p: p.update(commitment="0" * 64), "commitment"),
    "line swapped": (_swap_first_two_lines, "tickets order"),
    "duplicate id": (_duplicate_first_id, "tickets order"),
    "agent in a line": (_change_agent_in_line, "tickets_digest"),
    "winner agent": (lambda p: p["winners"][2].update(agent="mallory"), "winners[2]"),
    "winner ticket": (lambda p: p["winners"][0].update(ticket="S9#9"), "winners[0]"),
    "winner dropped": (lambda p: p["winners"].pop(), "winners[3]"),
    "line and winner": (lambda p: (_change_agent_in_line(p), p["winners"][0].update(agent="x")),
                        "tickets_digest"),
    "algorithm": (lambda p: p.update(algorithm="md5-v0"), "algorithm"),
}


@pytest.mark.parametrize("case", sorted(TAMPERS))
def test_tampering_is_caught_with_the_first_mismatch_named(case):
    tamper, expected = TAMPERS[case]
    proof = copy.deepcopy(fixture_proof("three agents, repeat wins"))
    tamper(proof)
    assert ref_verify(proof) == expected
    result = verify_proof(proof)
    assert not result.ok
    assert result.mismatch == expected
    assert result.detail


@pytest.mark.parametrize("tamper", [
    lambda p: p.update(public_entropy="btc-block-850001"),
    _change_line_and_recompute_digest,
    _new_seed_with_matching_commitment,
    lambda p: p.update(one_prize_per_agent=True),
])
def test_consistent_looking_tampering_still_changes_the_winners(tamper):
    proof = copy.deepcopy(fixture_proof("three agents, repeat wins"))
    tamper(proof)
    expected = ref_verify(proof)
    assert expected is not None and expected.startswith("winners[")
    assert verify_proof(proof).mismatch == expected


@pytest.mark.parametrize("field, value", [
    ("seed", "not-hex"),
    ("seed", seed_for("x").hex().upper()),
    ("public_entropy", ""),
    ("slots", "Weekend"),
    ("one_prize_per_agent", "yes"),
    ("tickets", ["S1#1 ann", "no-space-here"]),
    ("winners", None),
])
def test_malformed_fields_are_named(field, value):
    proof = fixture_proof("three agents, repeat wins")
    proof[field] = value
    assert verify_proof(proof).mismatch == field


def test_bool_slot_is_not_accepted_as_slot_number():
    proof = fixture_proof("three agents, repeat wins")
    proof["winners"][1]["slot"] = True  # True == 1 in Python, but the proof says int
    assert verify_proof(proof).mismatch == "winners[1]"


def test_missing_field_and_non_mapping_are_reported():
    proof = fixture_proof("one ticket")
    del proof["tickets_digest"]
    assert verify_proof(proof).mismatch == "tickets_digest"
    assert verify_proof(["not", "a", "proof"]).mismatch == "proof"


def test_verification_does_not_modify_the_proof():
    proof = fixture_proof("more slots than agents")
    before = copy.deepcopy(proof)
    assert verify_proof(proof).ok
    assert proof == before


def test_module_stays_free_of_web_and_orm_imports():
    source = Path(draws.__file__).read_text(encoding="utf-8")
    assert "flask" not in source.lower() and "sqlalchemy" not in source.lower()
