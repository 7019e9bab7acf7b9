"""The domain's own markdown and mention escaping behaves exactly as discord.py's."""

from __future__ import annotations

import discord
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text import escape_markdown, escape_mentions, escape_user_text

PIECES = [*"ab _*~|`>#-[]()\\@<:/ \n.0123456789", "https://x.io/a_b", "<a:/b_c>", "@everyone", "[a](b)"]
MARKDOWN_HEAVY = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@given(MARKDOWN_HEAVY)
def test_escape_markdown_matches_discord_py(text: str) -> None:
    assert escape_markdown(text) == discord.utils.escape_markdown(text, as_needed=False)


@given(MARKDOWN_HEAVY | st.just("@everyone @here <@&123456789012345678> @123456789012345678"))
def test_escape_mentions_matches_discord_py(text: str) -> None:
    assert escape_mentions(text) == discord.utils.escape_mentions(text)


def test_echo_is_safe_and_bounded() -> None:
    echoed = escape_user_text("**bold** @everyone <@123>" + "x" * 200, limit=40)
    assert "**" not in echoed.replace("\\*", "")
    assert "@everyone" not in echoed and "<@" not in echoed
    assert len(echoed) < 60
