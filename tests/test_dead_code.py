"""No dead code in bot/ and cogs/: vulture, configured in pyproject.toml ([tool.vulture]), finds nothing.
A name only discord.py or another library uses goes in its ignore lists there, with the reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_vulture_finds_no_dead_name() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vulture"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
