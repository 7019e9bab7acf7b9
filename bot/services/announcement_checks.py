"""Where announcements may go: permission and role checks shared by /config announcements and delivery."""

from __future__ import annotations

from collections.abc import Iterable

import discord

from bot.domain.errors import InvalidOptionError

# What delivery needs; without these the announcement is recorded as failed.
ANNOUNCE_PERMISSIONS = ("view_channel", "send_messages", "embed_links")


# What /config announcements asks for: delivery's, plus Read Message History, which only a retry after a
# crash uses (to find a post Discord stored but the bot never recorded). Asked up front so that guarantee
# holds; at retry time its absence does not stop the announcement (see Announcer._earlier_post).
CONFIGURE_PERMISSIONS = (*ANNOUNCE_PERMISSIONS, "read_message_history")


# What a release thread needs (/config announcements thread:True): open it, and post its first message.
THREAD_PERMISSIONS = ("create_public_threads", "send_messages_in_threads")


def missing_permissions(
    channel: discord.abc.GuildChannel,
    me: discord.Member | None,
    needed: Iterable[str] = ANNOUNCE_PERMISSIONS,
) -> list[str]:
    if me is None:
        return list(needed)
    granted = channel.permissions_for(me)
    return [name for name in needed if not getattr(granted, name)]


def permission_names(names: Iterable[str]) -> str:
    return ", ".join(f"**{name.replace('_', ' ').title()}**" for name in names)


_NEEDED_TEXT = {
    False: "View Channel, Send Messages, Embed Links and Read Message History",
    True: "View Channel, Send Messages, Embed Links, Read Message History, Create Public Threads and "
    "Send Messages In Threads",
}


def check_announcement_channel(channel: discord.TextChannel, *, thread: bool = False) -> None:
    needed = (*CONFIGURE_PERMISSIONS, *THREAD_PERMISSIONS) if thread else CONFIGURE_PERMISSIONS
    missing = missing_permissions(channel, channel.guild.me, needed)
    if missing:
        raise InvalidOptionError(
            f"I can't post in {channel.mention}: I'm missing {permission_names(missing)} there. "
            f"Give me {_NEEDED_TEXT[thread]} in that channel, or pick another one. Nothing was changed."
        )


def check_announcement_role(guild: discord.Guild, role: discord.Role | None) -> list[str]:
    """Refuse a role that cannot be pinged meaningfully; return warnings worth showing."""
    if role is None:
        return []
    if role.is_default():
        raise InvalidOptionError("Pick a specific role to ping: I never ping @everyone. Nothing was changed.")
    cached = guild.get_role(role.id)
    if cached is None:
        raise InvalidOptionError("That role no longer exists here. Pick another one. Nothing was changed.")
    if cached.managed:
        raise InvalidOptionError(
            "That role belongs to a bot or an integration, so members can't have it. Pick another one. "
            "Nothing was changed."
        )
    me = guild.me
    if not cached.mentionable and not (me is not None and me.guild_permissions.mention_everyone):
        return [
            f"{cached.mention} is not mentionable and I lack **Mention @everyone, @here and All Roles**, "
            "so the ping will show but notify no one. Make the role mentionable to fix that."
        ]
    return []


def announcement_allowed_mentions(role_id: int | None) -> discord.AllowedMentions:
    """Only the configured role may be pinged; no @everyone, no users, no other role."""
    if role_id is None:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(role_id)], replied_user=False
    )
