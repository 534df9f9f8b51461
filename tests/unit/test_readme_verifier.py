"""The third-party verifier printed in the README really verifies a proof (and catches tampering)."""
import json
import re
from pathlib import Path

import pytest

from leaderboard.domain.draws import build_proof, ticket_lines

README = Path(__file__).resolve().parents[2] / "README.md"


def snippet() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```python\n(import hashlib, hmac, json.*?)```", text, re.S)
    assert block, "the README lost its verification snippet"
    return block.group(1)


def proof(one_prize_per_agent=True):
    tickets = [(f"s{n}#{k}", f"agent{n % 4}") for n in range(12) for k in range(1, 1 + n % 3)]
    return build_proof(bytes(range(32)), ticket_lines(tickets), "7 21 33",
                       ["Weekend", "Voucher", "Voucher"], one_prize_per_agent)


@pytest.mark.parametrize("one_prize_per_agent", [True, False])
def test_readme_snippet_accepts_a_genuine_proof(tmp_path, monkeypatch, one_prize_per_agent):
    (tmp_path / "proof.json").write_text(json.dumps(proof(one_prize_per_agent)))
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet(), "README", "exec"), {})


def test_readme_snippet_rejects_a_changed_winner(tmp_path, monkeypatch):
    tampered = proof()
    tampered["winners"][1]["ticket"] = tampered["tickets"][0].split(" ")[0]
    (tmp_path / "proof.json").write_text(json.dumps(tampered))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AssertionError):
        exec(compile(snippet(), "README", "exec"), {})
