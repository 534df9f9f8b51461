"""An independent reference for the lucky-draw protocol, and proof fixtures, shared by the draw tests."""
from __future__ import annotations

import hashlib
import hmac

from leaderboard.domain.draws import build_proof

# --- Independent reference: written from the protocol text, shares no code with the module. ---

def ref_winners(seed, digest, entropy, lines, slots, one_per_agent):
    remaining = list(lines)
    out = []
    for i, prize in enumerate(slots):
        if not remaining:
            out.append({"slot": i, "prize": prize, "ticket": None, "agent": None})
            continue
        n, c = len(remaining), 0
        while True:
            msg = f"{digest}:{entropy}:{i}:{c}".encode()
            r = int.from_bytes(hmac.new(seed, msg, hashlib.sha256).digest(), "big")
            if r < (2**256 // n) * n:
                break
            c += 1
        tid, agent = remaining[r % n].split(" ", 1)
        out.append({"slot": i, "prize": prize, "ticket": tid, "agent": agent})
        if one_per_agent:
            remaining = [line for line in remaining if line.split(" ", 1)[1] != agent]
        else:
            remaining = [line for line in remaining if line.split(" ", 1)[0] != tid]
    return out


def ref_verify(proof):
    """Returns the name of the first mismatch, or None."""
    if proof["algorithm"] != "hmac-sha256-rejection-v1":
        return "algorithm"
    seed = bytes.fromhex(proof["seed"])
    if hashlib.sha256(seed).hexdigest() != proof["commitment"]:
        return "commitment"
    ids = [line.split(" ", 1)[0] for line in proof["tickets"]]
    if ids != sorted(ids) or len(set(ids)) != len(ids):
        return "tickets order"
    digest = hashlib.sha256("\n".join(proof["tickets"]).encode("utf-8")).hexdigest()
    if digest != proof["tickets_digest"]:
        return "tickets_digest"
    want = ref_winners(seed, digest, proof["public_entropy"], proof["tickets"],
                       proof["slots"], proof["one_prize_per_agent"])
    got = proof["winners"]
    for i in range(max(len(want), len(got))):
        if i >= len(want) or i >= len(got) or want[i] != got[i]:
            return f"winners[{i}]"
    return None


def seed_for(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


def lines_of(pairs):
    # Ids in these fixtures hold no chars below " ", so tuple order is id order.
    return [f"{tid} {agent}" for tid, agent in sorted(pairs)]


def sale(sale_id, count, agent):
    return [(f"{sale_id}#{n}", agent) for n in range(1, count + 1)]


FIXTURES = {
    "no tickets": ([], ["Mug", "Mug"], True),
    "one ticket": (sale("S1", 1, "ann"), ["Weekend", "Voucher", "Voucher"], False),
    "three agents, one prize each": (
        sale("S1", 4, "ann") + sale("S2", 2, "bob") + sale("S3", 1, "cy") + sale("S4", 3, "ann"),
        ["Weekend", "Voucher", "Voucher", "Voucher"], True),
    "three agents, repeat wins": (
        sale("S1", 4, "ann") + sale("S2", 2, "bob") + sale("S3", 1, "cy") + sale("S4", 3, "ann"),
        ["Weekend", "Voucher", "Voucher", "Voucher"], False),
    "unicode and spaces in agent keys": (
        [("Z#10", "Zoë"), ("Z#2", "李雷"), ("a#1", "ana maria"), ("é#1", "Zoë"), ("B#1", "bob")],
        ["Weekend"] + ["Voucher"] * 6, False),
    "more slots than agents": (
        [(f"T{k}#{n}", f"agent-{k % 7}") for k in range(10) for n in range(1, 6)],
        ["Car"] + ["Voucher"] * 9, True),
}


def fixture_proof(name, entropy="btc-block-850000"):
    pairs, slots, one_per_agent = FIXTURES[name]
    return build_proof(seed_for(name), lines_of(pairs), entropy, slots, one_per_agent)


# --- Building blocks ---
