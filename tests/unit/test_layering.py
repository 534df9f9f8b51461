"""Adapters go through services: no module under web/ nor the Socket.IO namespace imports the models."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "leaderboard"
ADAPTERS = sorted([*(PACKAGE / "web").rglob("*.py"), PACKAGE / "realtime" / "namespace.py"])
FORBIDDEN = "leaderboard.models"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, relative imports resolved against its package."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # `from leaderboard import models` imports the models package too.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def test_adapters_are_found() -> None:
    assert len(ADAPTERS) > 10
    assert PACKAGE / "web" / "api" / "roster.py" in ADAPTERS


@pytest.mark.parametrize("path", ADAPTERS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_adapter_does_not_import_models(path: Path) -> None:
    offending = [f"line {line}: {name}" for line, name in _imported(path)
                 if name == FORBIDDEN or name.startswith(FORBIDDEN + ".")]
    assert not offending, f"{path.relative_to(PACKAGE.parent)} imports the models directly: {offending}"
