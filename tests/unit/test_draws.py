"""Unit tests for the provably fair lucky draw (leaderboard.domain.draws): tickets, slots and the draw."""
from __future__ import annotations

import hashlib
import hmac

import pytest

from leaderboard.domain.draws import (
    Winner,
    acceptance_limit,
    commitment_of,
    draw_index,
    draw_winners,
    expand_slots,
    new_seed,
    ticket_id,
    ticket_ids,
    ticket_lines,
    tickets_digest,
)
from tests.draw_reference import lines_of, sale, seed_for


def test_new_seed_is_32_fresh_bytes():
    a, b = new_seed(), new_seed()
    assert isinstance(a, bytes) and len(a) == 32 and len(b) == 32
    assert a != b


def test_commitment_is_sha256_of_raw_seed_as_lowercase_hex():
    seed = bytes(range(32))
    assert commitment_of(seed) == hashlib.sha256(seed).hexdigest()
    assert commitment_of(seed) != hashlib.sha256(seed.hex().encode()).hexdigest()
    with pytest.raises(ValueError):
        commitment_of(bytes(31))


def test_ticket_ids_are_sale_id_hash_n():
    assert ticket_id("S-17", 1) == "S-17#1"
    assert ticket_ids("S-17", 3) == ["S-17#1", "S-17#2", "S-17#3"]
    assert ticket_ids("S-17", 0) == []
    for bad in [("S-17", 0), ("S 17", 1), ("S\n17", 1), ("", 1)]:
        with pytest.raises(ValueError):
            ticket_id(*bad)


def test_ticket_lines_sort_by_ticket_id_in_code_point_order():
    pairs = [("é#1", "e"), ("a#1", "a"), ("Z#2", "z2"), ("B#1", "b"), ("Z#10", "z10")]
    assert ticket_lines(pairs) == ["B#1 b", "Z#10 z10", "Z#2 z2", "a#1 a", "é#1 e"]


def test_ticket_lines_sort_on_id_not_on_whole_line():
    # "a" < "a\x01" as ids, but the line "a\x01 x" < "a y" because "\x01" < " ".
    assert ticket_lines([("a\x01", "x"), ("a", "y")]) == ["a y", "a\x01 x"]


def test_ticket_lines_allow_spaces_inside_agent_keys():
    assert ticket_lines([("S1#1", "ana maria")]) == ["S1#1 ana maria"]


@pytest.mark.parametrize("pairs", [
    [("S1#1", "ann"), ("S1#1", "bob")],
    [("S1 #1", "ann")],
    [("S1\n#1", "ann")],
    [("S1\t#1", "ann")],
    [("S1#1", "ann\nS2#1 bob")],
    [("S1#1", "ann\u2028")],
    [("S1#1", "")],
    [("", "ann")],
])
def test_ticket_lines_reject_duplicates_and_ambiguous_text(pairs):
    with pytest.raises(ValueError):
        ticket_lines(pairs)


def test_tickets_digest_hashes_newline_joined_utf8():
    lines = ["S1#1 Zoë", "S2#1 bob"]
    assert tickets_digest(lines) == hashlib.sha256("S1#1 Zoë\nS2#1 bob".encode()).hexdigest()
    assert tickets_digest([]) == hashlib.sha256(b"").hexdigest()


def test_expand_slots_one_slot_per_unit_in_order():
    prizes = [{"name": "Weekend for two", "quantity": 1},
              {"name": "Theatre voucher", "quantity": 3}]
    assert expand_slots(prizes) == [
        "Weekend for two", "Theatre voucher", "Theatre voucher", "Theatre voucher"]
    for bad in [{"name": "X", "quantity": 0}, {"name": "", "quantity": 1},
                {"quantity": 1}, {"name": "X", "quantity": True}, {"name": "X", "quantity": "2"}]:
        with pytest.raises(ValueError):
            expand_slots([bad])


# --- The draw ---

def test_single_ticket_wins_first_slot_then_slots_stay_unawarded():
    lines = ["S9#1 ann"]
    for k in range(5):
        seed = seed_for(f"one-{k}")
        winners = draw_winners(seed, tickets_digest(lines), "e", lines, ["A", "B"], False)
        assert winners == [Winner(0, "A", "S9#1", "ann"), Winner(1, "B", None, None)]


def test_first_slot_index_is_hmac_mod_n_checked_by_hand():
    seed = seed_for("hand-checked")
    lines = ["S1#1 ann", "S2#1 bob", "S3#1 cy"]
    digest = hashlib.sha256(b"S1#1 ann\nS2#1 bob\nS3#1 cy").hexdigest()
    msg = f"{digest}:round-7:0:0".encode()
    r = int.from_bytes(hmac.new(seed, msg, hashlib.sha256).digest(), "big")
    assert r < (2**256 // 3) * 3  # counter 0 accepted (rejection odds are ~2**-255)
    tid, agent = lines[r % 3].split(" ")
    winners = draw_winners(seed, digest, "round-7", lines, ["Prize"], False)
    assert winners[0].as_dict() == {"slot": 0, "prize": "Prize", "ticket": tid, "agent": agent}


def test_draw_refuses_empty_entropy_bad_seed_and_unsorted_lines():
    lines = ["S1#1 ann", "S2#1 bob"]
    digest = tickets_digest(lines)
    with pytest.raises(ValueError):
        draw_winners(seed_for("x"), digest, "", lines, ["P"], False)
    with pytest.raises(ValueError):
        draw_winners(bytes(16), digest, "e", lines, ["P"], False)
    with pytest.raises(ValueError):
        draw_winners(seed_for("x"), digest, "e", list(reversed(lines)), ["P"], False)


def test_one_prize_per_agent_removes_all_of_the_winners_tickets():
    lines = lines_of(sale("A", 5, "ann") + sale("B", 1, "bob") + sale("C", 1, "cy"))
    for k in range(20):
        seed = seed_for(f"opa-{k}")
        winners = draw_winners(seed, tickets_digest(lines), "e", lines, ["P"] * 4, True)
        assert sorted(w.agent for w in winners[:3]) == ["ann", "bob", "cy"]
        assert winners[3] == Winner(3, "P", None, None)


def test_without_one_prize_per_agent_the_same_agent_can_win_twice():
    lines = lines_of(sale("A", 5, "ann") + sale("B", 1, "bob") + sale("C", 1, "cy"))
    repeat_seen = False
    for k in range(20):
        seed = seed_for(f"multi-{k}")
        winners = draw_winners(seed, tickets_digest(lines), "e", lines, ["P"] * 3, False)
        tickets = [w.ticket for w in winners]
        assert len(set(tickets)) == 3  # a ticket never wins twice
        repeat_seen |= len({w.agent for w in winners}) < 3
    assert repeat_seen


def test_unawarded_slots_when_tickets_run_out():
    lines = ["S1#1 ann", "S1#2 ann"]
    winners = draw_winners(seed_for("short"), tickets_digest(lines), "e", lines, ["P"] * 4, False)
    assert {w.ticket for w in winners[:2]} == {"S1#1", "S1#2"}
    assert [(w.ticket, w.agent) for w in winners[2:]] == [(None, None), (None, None)]


def test_acceptance_limit_is_largest_multiple_of_n_within_2_pow_256():
    assert acceptance_limit(1) == 2**256
    assert acceptance_limit(3) == 2**256 - (2**256 % 3)
    assert acceptance_limit(3) % 3 == 0 and 2**256 - acceptance_limit(3) < 3
    assert acceptance_limit(2**255 + 1) == 2**255 + 1


def test_rejected_counter_moves_to_the_next_counter():
    # With n = 2**255 + 1 about half of all r values are rejected, so rejection really happens.
    n = 2**255 + 1
    digest = tickets_digest(["x"])
    rejected = accepted = 0
    for k in range(40):
        seed = seed_for(f"reject-{k}")
        rs = []
        c = 0
        while True:
            msg = f"{digest}:e:5:{c}".encode()
            rs.append(int.from_bytes(hmac.new(seed, msg, hashlib.sha256).digest(), "big"))
            if rs[-1] < n:
                break
            c += 1
        rejected += len(rs) > 1
        accepted += len(rs) == 1
        assert draw_index(seed, digest, "e", 5, n) == rs[-1] % n
    assert rejected > 0 and accepted > 0


def test_first_slot_wins_follow_ticket_share_chi_square():
    # 4 agents holding 1, 2, 3, 4 of 10 tickets; 4000 reproducible seeds.
    lines = lines_of(sale("A", 1, "a") + sale("B", 2, "b") + sale("C", 3, "c") + sale("D", 4, "d"))
    digest = tickets_digest(lines)
    draws_n = 4000
    by_agent = {"a": 0, "b": 0, "c": 0, "d": 0}
    by_ticket = {line.split(" ")[0]: 0 for line in lines}
    for k in range(draws_n):
        seed = hashlib.sha256(str(k).encode()).digest()
        w = draw_winners(seed, digest, "stat", lines, ["P"], False)[0]
        by_agent[w.agent] += 1
        by_ticket[w.ticket] += 1
    share = {"a": 1, "b": 2, "c": 3, "d": 4}
    expected_agent = {a: draws_n * s / 10 for a, s in share.items()}
    chi2_agents = sum((by_agent[a] - e) ** 2 / e for a, e in expected_agent.items())
    # Critical chi-square at 99% for df = 4 agents - 1 = 3 is 11.345.
    assert chi2_agents < 11.345, by_agent
    expected = draws_n / 10
    chi2_tickets = sum((count - expected) ** 2 / expected for count in by_ticket.values())
    # Critical chi-square at 99% for df = 10 tickets - 1 = 9 is 21.666.
    assert chi2_tickets < 21.666, by_ticket
