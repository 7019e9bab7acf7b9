import discord
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text import escape_user_text, truncate
from bot.render.common import choice_text, fit_embed, source_links, spoiler


def test_truncate_marks_the_cut() -> None:
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abc", 4) == "abc"


def test_escape_user_text_neutralises_markdown_and_mentions() -> None:
    text = escape_user_text("@everyone **bold** <@&123> ||x|| \u202eevil", limit=200)
    assert "@everyone" not in text
    assert "**" not in text.replace("\\*", "")
    assert "\u202e" not in text
    assert "<@&123>" not in text


def test_spoiler_escapes_pipes() -> None:
    assert spoiler("a || b") == "||a \\|\\| b||"


def test_source_links_fit_the_limit() -> None:
    urls = [f"https://example{i}.com/{'x' * 80}" for i in range(40)]
    text = source_links(urls, limit=300)
    assert len(text) <= 300
    assert text.endswith("more")


def test_fit_embed_respects_every_limit() -> None:
    embed = discord.Embed(title="t" * 400, description="d" * 5000)
    for _ in range(30):
        embed.add_field(name="n" * 300, value="v" * 2000)
    embed.set_footer(text="f" * 3000)
    fit_embed(embed)
    assert len(embed) <= 6000
    assert len(embed.fields) <= 25
    assert len(embed.title) <= 256
    assert all(len(f.value) <= 1024 and len(f.name) <= 256 for f in embed.fields)


@given(st.text(max_size=300))
def test_choice_text_is_always_valid(text: str) -> None:
    result = choice_text(text)
    assert 1 <= len(result) <= 100
