"""The preview server `python -m bot ask` runs in, built in the emulator with its world API.

A small, fixed server with stable ids, so settings saved by one run (an announcement channel, a role to
ping) still point at the same channel and role in the next: #general (where commands are typed),
#announcements, #read-only (the bot may not send there), a voice channel; the roles fans, readers and
Moderators (Manage Server); the bot, whose role holds exactly what the invite link asks for
(`bot.invite`); the server owner; and "you", a member who is a moderator unless `--as-member`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.app.invite import required_permissions
from bot.preview.terminal import RenderContext
from discord_emulator import Channel, DiscordEmulator, Guild, Role, User
from discord_emulator.models import EVERYONE_PERMISSIONS, GUILD_VOICE, MANAGE_GUILD

GUILD_ID = 900_000_000_000_000_001
BOT_ID = 900_000_000_000_000_002  # the bot user; a bot shares its application's id
OWNER_ID = 900_000_000_000_000_003
YOU_ID = 900_000_000_000_000_004
BOT_ROLE_ID = 900_000_000_000_000_010
MODERATORS_ID = 900_000_000_000_000_011
FANS_ID = 900_000_000_000_000_012
READERS_ID = 900_000_000_000_000_013
GENERAL_ID = 900_000_000_000_000_020
ANNOUNCEMENTS_ID = 900_000_000_000_000_021
READ_ONLY_ID = 900_000_000_000_000_022
LOUNGE_ID = 900_000_000_000_000_023


def _invite_permissions() -> int:
    return required_permissions().value


@dataclass(frozen=True, slots=True)
class PreviewWorld:
    """What the preview server grants: by default the invite's permissions to the bot's role and Discord's
    defaults to @everyone (tests narrow them to show each invite permission is needed)."""

    bot_permissions: int = field(default_factory=_invite_permissions)
    everyone_permissions: int = EVERYONE_PERMISSIONS
    moderator_permissions: int = MANAGE_GUILD  # the Moderators role

    def build(self, emulator: DiscordEmulator) -> PreviewServer:
        owner = emulator.add_user("server-owner", user_id=OWNER_ID)
        you = emulator.add_user("you", user_id=YOU_ID)
        guild = emulator.add_guild(
            GUILD_ID,
            "Preview server",
            owner=owner,
            general_channel_id=GENERAL_ID,
            bot_role_id=BOT_ROLE_ID,
        )
        guild.everyone.permissions = self.everyone_permissions
        emulator.member(guild, emulator.bot_user, permissions=self.bot_permissions)
        moderators = guild.add_role(
            "Moderators", permissions=self.moderator_permissions, role_id=MODERATORS_ID
        )
        guild.add_role("fans", mentionable=True, role_id=FANS_ID)
        guild.add_role("readers", role_id=READERS_ID)
        guild.add_channel("announcements", channel_id=ANNOUNCEMENTS_ID)
        guild.add_channel("read-only", bot_can_send=False, channel_id=READ_ONLY_ID)
        guild.add_channel("Lounge", type=GUILD_VOICE, channel_id=LOUNGE_ID)
        server = PreviewServer(emulator, guild, you, moderators)
        server.act_as(moderator=True)
        return server


@dataclass(eq=False)
class PreviewServer:
    """The built preview server: who types commands, where, and name lookups for option values."""

    emulator: DiscordEmulator
    guild: Guild
    you: User
    moderators: Role

    def act_as(self, *, moderator: bool) -> None:
        """`you` with the Moderators role (Manage Server), or as a plain member (`--as-member`)."""
        self.emulator.member(self.guild, self.you, roles=[self.moderators.id] if moderator else [])

    def names(self, now: datetime) -> RenderContext:
        return RenderContext(
            now=now,
            channels={c.id: c.name for c in self.guild.channels.values()},
            roles={r.id: r.name.removeprefix("@") for r in self.guild.roles.values()},
            users={u.id: u.name for u in self.emulator.users.values()},
        )

    # -- option values typed as text: "#announcements", "<#id>", "@fans", "you" ----------------------

    def find_channel(self, text: str) -> Channel | None:
        key = _strip_mention(text, ("<#",), "#")
        return next((c for c in self.guild.channels.values() if key in (str(c.id), c.name.casefold())), None)

    def find_role(self, text: str) -> Role | None:
        key = _strip_mention(text, ("<@&",), "@")
        return next(
            (
                r
                for r in self.guild.roles.values()
                if key in (str(r.id), r.name.casefold(), r.name.casefold().lstrip("@"))
            ),
            None,
        )

    def find_user(self, text: str) -> User | None:
        key = _strip_mention(text, ("<@!", "<@"), "@")
        users = (m.user for m in self.guild.members.values())
        return next((u for u in users if key in (str(u.id), u.name.casefold())), None)


def _strip_mention(text: str, openers: tuple[str, ...], sigil: str) -> str:
    key = text.strip()
    for opener in openers:
        if key.startswith(opener) and key.endswith(">"):
            return key[len(opener) : -1]
    return key.removeprefix(sigil).casefold()
