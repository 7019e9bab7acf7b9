"""SQL lives in bot/storage only: no other module runs a statement."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATEMENT = re.compile(r"\.(execute|executemany|executescript|execute_fetchall)\(")


def test_no_module_outside_storage_runs_sql() -> None:
    outside = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("bot", "cogs")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "storage" not in path.relative_to(ROOT).parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if STATEMENT.search(line)
    ]
    assert outside == []


def test_the_check_finds_a_statement() -> None:
    assert STATEMENT.search('await db.execute("SELECT 1")')
