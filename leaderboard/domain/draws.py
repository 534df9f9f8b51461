"""Provably fair lucky draws: committed seed, frozen ticket list, HMAC-SHA256 rejection sampling.

A published proof can be re-checked by anyone with hashlib and hmac alone (see verify_proof)."""
from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

ALGORITHM = "hmac-sha256-rejection-v1"
SEED_BYTES = 32
_HEX64 = re.compile(r"[0-9a-f]{64}")


def new_seed() -> bytes:
    return secrets.token_bytes(SEED_BYTES)


def _check_seed(seed: bytes) -> None:
    if not isinstance(seed, (bytes, bytearray)) or len(seed) != SEED_BYTES:
        raise ValueError(f"seed must be exactly {SEED_BYTES} raw bytes")


def commitment_of(seed: bytes) -> str:
    _check_seed(seed)
    return hashlib.sha256(seed).hexdigest()


def _check_ticket_id(tid: object) -> None:
    # Any whitespace makes "<id> <agent>" ambiguous; isspace() covers every splitlines() break.
    if not isinstance(tid, str) or not tid or any(ch.isspace() for ch in tid):
        raise ValueError(f"ticket id must be a non-empty string without whitespace: {tid!r}")


def _check_agent(agent: object) -> None:
    # Spaces are fine (the id ends at the first space), line breaks of any kind are not.
    if not isinstance(agent, str) or not agent or len((agent + "x").splitlines()) != 1:
        raise ValueError(f"agent key must be a non-empty single-line string: {agent!r}")


def _check_int(value: object, minimum: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{what} must be an int >= {minimum}, got {value!r}")
    return value


def ticket_id(sale_id: str, n: int) -> str:
    _check_int(n, 1, "ticket number")
    _check_ticket_id(sale_id)
    return f"{sale_id}#{n}"


def ticket_ids(sale_id: str, count: int) -> list[str]:
    _check_int(count, 0, "ticket count")
    _check_ticket_id(sale_id)
    return [ticket_id(sale_id, n) for n in range(1, count + 1)]


def ticket_lines(tickets: Iterable[tuple[str, str]]) -> list[str]:
    pairs = [(tid, agent) for tid, agent in tickets]
    for tid, agent in pairs:
        _check_ticket_id(tid)
        _check_agent(agent)
    # Sort on the id alone: sorting whole lines differs when an id holds a char below " ".
    pairs.sort(key=lambda pair: pair[0])
    _check_order(pairs)
    return [f"{tid} {agent}" for tid, agent in pairs]


def tickets_digest(lines: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _parse_line(line: object) -> tuple[str, str]:
    if not isinstance(line, str) or " " not in line:
        raise ValueError(f"ticket line must be '<ticket id> <agent key>': {line!r}")
    tid, agent = line.split(" ", 1)
    _check_ticket_id(tid)
    _check_agent(agent)
    return tid, agent


def _check_order(pairs: Sequence[tuple[str, str]]) -> None:
    for prev, cur in itertools.pairwise(pairs):
        if not prev[0] < cur[0]:
            kind = "duplicate ticket id" if prev[0] == cur[0] else "ticket ids not sorted at"
            raise ValueError(f"{kind} {cur[0]!r}")


def expand_slots(prizes: Sequence[Mapping]) -> list[str]:
    slots: list[str] = []
    for prize in prizes:
        name, quantity = prize.get("name"), prize.get("quantity")
        if not isinstance(name, str) or not name:
            raise ValueError(f"prize name must be a non-empty string: {name!r}")
        slots.extend([name] * _check_int(quantity, 1, "prize quantity"))
    return slots


@dataclass(frozen=True)
class Winner:
    slot: int
    prize: str
    ticket: str | None
    agent: str | None

    def as_dict(self) -> dict:
        return {"slot": self.slot, "prize": self.prize, "ticket": self.ticket, "agent": self.agent}


def acceptance_limit(n: int) -> int:
    """Largest multiple of n not above 2**256: r below it makes r % n exactly uniform."""
    _check_int(n, 1, "n")
    return (2**256 // n) * n


def draw_index(seed: bytes, digest: str, public_entropy: str, slot: int, n: int) -> int:
    """Index in [0, n) for one slot, retrying with the next counter on rejection."""
    _check_seed(seed)
    limit = acceptance_limit(n)
    counter = 0
    while True:
        msg = f"{digest}:{public_entropy}:{slot}:{counter}".encode()
        r = int.from_bytes(hmac.new(bytes(seed), msg, hashlib.sha256).digest(), "big")
        if r < limit:
            return r % n
        counter += 1


def draw_winners(seed: bytes, digest: str, public_entropy: str, lines: Sequence[str],
                 slots: Sequence[str], one_prize_per_agent: bool) -> list[Winner]:
    _check_seed(seed)
    if not isinstance(public_entropy, str) or not public_entropy:
        raise ValueError("public_entropy must be a non-empty string")
    if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
        raise ValueError("digest must be 64 lowercase hex characters")
    if not isinstance(one_prize_per_agent, bool):
        raise ValueError("one_prize_per_agent must be a bool")
    remaining = [_parse_line(line) for line in lines]
    _check_order(remaining)
    winners: list[Winner] = []
    for i, prize in enumerate(slots):
        if not remaining:
            winners.append(Winner(i, prize, None, None))
            continue
        tid, agent = remaining[draw_index(seed, digest, public_entropy, i, len(remaining))]
        winners.append(Winner(i, prize, tid, agent))
        if one_prize_per_agent:
            remaining = [pair for pair in remaining if pair[1] != agent]
        else:
            remaining = [pair for pair in remaining if pair[0] != tid]
    return winners


def build_proof(seed: bytes, lines: Sequence[str], public_entropy: str,
                slots: Sequence[str], one_prize_per_agent: bool) -> dict:
    lines, slots = list(lines), list(slots)
    digest = tickets_digest(lines)
    winners = draw_winners(seed, digest, public_entropy, lines, slots, one_prize_per_agent)
    return {"algorithm": ALGORITHM, "commitment": commitment_of(seed), "seed": bytes(seed).hex(),
            "tickets_digest": digest, "public_entropy": public_entropy, "slots": slots,
            "one_prize_per_agent": one_prize_per_agent, "tickets": lines,
            "winners": [w.as_dict() for w in winners]}


@dataclass(frozen=True)
class Verification:
    ok: bool
    mismatch: str | None = None
    detail: str | None = None


_SHAPES = {
    "commitment": lambda v: isinstance(v, str),
    "seed": lambda v: isinstance(v, str) and bool(_HEX64.fullmatch(v)),
    "tickets_digest": lambda v: isinstance(v, str),
    "public_entropy": lambda v: isinstance(v, str) and bool(v),
    "slots": lambda v: isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v),
    "one_prize_per_agent": lambda v: isinstance(v, bool),
    "tickets": lambda v: isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v),
    "winners": lambda v: isinstance(v, (list, tuple)),
}


def verify_proof(proof: Mapping) -> Verification:
    """First mismatch in order: algorithm, field shapes, commitment, tickets order,
    tickets_digest, winners[i]."""
    if not isinstance(proof, Mapping):
        return Verification(False, "proof", "proof must be a mapping")
    if proof.get("algorithm") != ALGORITHM:
        return Verification(False, "algorithm", f"unknown algorithm {proof.get('algorithm')!r}")
    for name, valid in _SHAPES.items():
        if name not in proof or not valid(proof[name]):
            return Verification(False, name, f"missing or malformed field {name!r}")
    try:
        pairs = [_parse_line(line) for line in proof["tickets"]]
    except ValueError as exc:
        return Verification(False, "tickets", str(exc))
    seed = bytes.fromhex(proof["seed"])
    if commitment_of(seed) != proof["commitment"]:
        return Verification(False, "commitment", "sha256(seed) differs from the commitment")
    try:
        _check_order(pairs)
    except ValueError as exc:
        return Verification(False, "tickets order", str(exc))
    digest = tickets_digest(proof["tickets"])
    if digest != proof["tickets_digest"]:
        return Verification(False, "tickets_digest", f"recomputed {digest}")
    expected = draw_winners(seed, digest, proof["public_entropy"], proof["tickets"],
                            proof["slots"], proof["one_prize_per_agent"])
    given = proof["winners"]
    for i in range(max(len(expected), len(given))):
        want = expected[i].as_dict() if i < len(expected) else None
        got = given[i] if i < len(given) else None
        # == alone would accept True as slot 1.
        if want is None or not isinstance(got, Mapping) or dict(got) != want \
                or type(got.get("slot")) is not int:
            return Verification(False, f"winners[{i}]", f"expected {want!r}, got {got!r}")
    return Verification(True)
