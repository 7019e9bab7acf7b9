"""The README's transcripts are what `python -m bot ask` prints today: regenerated here and compared."""

from __future__ import annotations

import difflib
import importlib.util
import sys
from types import ModuleType

from bot.config import PROJECT_ROOT

GENERATOR = PROJECT_ROOT / "tools" / "update_readme_transcripts.py"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_readme_transcripts", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_readme_transcripts_match_what_ask_prints_today() -> None:
    generator = load_generator()
    readme = generator.README.read_text(encoding="utf-8")
    expected = generator.transcripts()
    current = generator.readme_block(readme)
    if current != expected:
        diff = "\n".join(
            difflib.unified_diff(
                current.splitlines(), expected.splitlines(), "README.md", "ask today", lineterm="", n=1
            )
        )
        raise AssertionError(
            f"README.md transcripts are stale: run `python tools/update_readme_transcripts.py`.\n{diff}"
        )


def test_every_registered_command_has_a_transcript() -> None:
    generator = load_generator()
    assert generator.missing_examples(generator.registered_commands()) == []


def test_the_block_is_replaced_between_the_markers_only() -> None:
    generator = load_generator()
    readme = f"intro\n{generator.START}\nold\n{generator.END}\noutro\n"
    assert generator.with_block(readme, "new") == f"intro\n{generator.START}\nnew\n{generator.END}\noutro\n"
    assert generator.readme_block(generator.with_block(readme, "new")) == "new"


def test_shown_commands_can_be_pasted_into_a_shell() -> None:
    generator = load_generator()
    example = generator.Example(
        '/config event-add name:"Premiere: part 2" date:2026-12-24', ("--click", "Next")
    )
    assert generator.shown_command(example) == (
        "python -m bot ask '/config event-add name:\"Premiere: part 2\" date:2026-12-24' --click Next"
    )
    plain = generator.Example("/cast lookup name:Kit Connor")
    assert generator.shown_command(plain) == 'python -m bot ask "/cast lookup name:Kit Connor"'


def test_every_answer_in_the_transcripts_fits_one_message() -> None:
    """An answer fits one screen: under 2,000 characters unless a `details` view was asked for."""
    generator = load_generator()
    block = generator.readme_block(generator.README.read_text(encoding="utf-8"))
    answers = [part for part in block.split("```") if "python -m bot ask" in part]
    assert len(answers) >= len(generator.registered_commands())
    for answer in answers:
        command, _, reply = answer.partition("\n")
        if "details:True" in command:
            continue
        assert 0 < len(reply.strip()) < 2000, command


def test_the_measured_gateway_latency_is_shown_as_one_typical_value() -> None:
    generator = load_generator()
    shown = generator.steady_latency("  ┃ Gateway latency: 13 ms\n  ┃ Other: 5 ms")
    assert shown == f"  ┃ Gateway latency: {generator.SHOWN_LATENCY}\n  ┃ Other: 5 ms"
