"""The emulated world: snowflakes, users, guilds, channels, roles, members and their Discord payloads."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
SEND_TTS_MESSAGES = 1 << 12
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
CHANGE_NICKNAME = 1 << 26
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_EVENTS = 1 << 33
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
CREATE_EVENTS = 1 << 44
ALL_PERMISSIONS = (1 << 51) - 1

EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
)
BOT_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS
# What an app may do in a DM or group DM (its `app_permissions` there): no server to grant more.
PRIVATE_CHANNEL_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS
    | MENTION_EVERYONE
)

GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GROUP_DM = 3
GUILD_CATEGORY = 4
GUILD_STAGE_VOICE = 13
PUBLIC_THREAD = 11
MESSAGE_DEFAULT, MESSAGE_REPLY, MESSAGE_CHAT_INPUT = 0, 19, 20  # message types
ROLE_OVERWRITE = 0
MEMBER_OVERWRITE = 1


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _wall_clock() -> datetime:
    return datetime.now(UTC)


class Snowflakes:
    """Realistic, unique, increasing snowflakes: timestamp, worker 1, process 0, increment.

    `clock` (default: the wall clock) gives the timestamp; with a stopped clock the ids stay unique and
    increasing, and the same sequence of calls gives the same ids (reproducible transcripts).
    """

    def __init__(self, clock: Callable[[], datetime] = _wall_clock) -> None:
        self._clock = clock
        self._increment = itertools.count()
        self._last = 0

    def __call__(self) -> int:
        millis = int(self._clock().timestamp() * 1000) - DISCORD_EPOCH_MS
        value = max((millis << 22) | (1 << 17) | (next(self._increment) & 0xFFF), self._last + 1)
        self._last = value
        return value


@dataclass(eq=False)
class User:
    id: int
    name: str
    bot: bool = False
    global_name: str | None = None
    # False: the user closed their DMs to the bot (privacy settings, or blocked it): a message the bot
    # sends to their DM gets 403 "Cannot send messages to this user" (50007); opening the DM still works.
    accepts_dms: bool = True
    # The language of the user's Discord client: interactions they start carry it as `locale`.
    locale: str = "en-GB"

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "public_flags": 0,
            "flags": 0,
            "primary_guild": None,
            "collectibles": None,
        }
        if self.bot:
            data["bot"] = True
        return data

    def __str__(self) -> str:
        return self.name


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 1
    color: int = 0
    mentionable: bool = False
    bot_id: int | None = None  # set on the managed role Discord creates for a bot

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.bot_id is not None,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass(eq=False)
class Overwrite:
    id: int
    type: int  # ROLE_OVERWRITE or MEMBER_OVERWRITE
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass(eq=False)
class Channel:
    id: int
    guild_id: int
    name: str
    type: int = GUILD_TEXT
    position: int = 0
    topic: str | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    parent_id: int | None = None  # a thread's channel (its permissions are the parent's)
    owner_id: int | None = None  # a thread's creator

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> dict[str, Any]:
        if self.type == PUBLIC_THREAD:
            return self._thread_payload()
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [o.payload() for o in self.overwrites],
            "parent_id": None,
            "nsfw": False,
            "flags": 0,
        }
        if self.type == GUILD_TEXT:
            data |= {"topic": self.topic, "last_message_id": None, "rate_limit_per_user": 0}
        elif self.type in (GUILD_VOICE, GUILD_STAGE_VOICE):
            data |= {"bitrate": 64000, "user_limit": 0, "rtc_region": None, "video_quality_mode": 1}
            data |= {"last_message_id": None, "rate_limit_per_user": 0}
        return data

    def _thread_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "parent_id": str(self.parent_id),
            "owner_id": str(self.owner_id),
            "name": self.name,
            "flags": 0,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "thread_metadata": {
                "archived": False,
                "archive_timestamp": iso(datetime.now(UTC)),
                "auto_archive_duration": 10080,
                "locked": False,
            },
        }


@dataclass(eq=False)
class PrivateChannel:
    """A DM (`type` DM) or group DM (`type` GROUP_DM): where context 1 and 2 interactions happen."""

    id: int
    type: int
    recipients: list[User]
    owner_id: int | None = None  # a group DM's owner

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "last_message_id": None,
            "flags": 0,
            "recipients": [u.payload() for u in self.recipients],
        }
        if self.type == GROUP_DM:
            data |= {"name": None, "icon": None, "owner_id": str(self.owner_id)}
        return data


@dataclass(eq=False)
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    extra_permissions: int = 0  # granted directly, as if by a role the test does not care about
    joined_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    nick: str | None = None

    def payload(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data


GuildListener = Callable[["Guild", str, dict[str, Any]], None]


class Guild:
    """A guild as the emulator sees it. Changes made while the bot is connected are dispatched to it."""

    def __init__(
        self,
        *,
        id: int,
        name: str,
        owner: User,
        bot_user: User,
        snowflakes: Snowflakes,
        listener: GuildListener,
        bot_role_id: int | None = None,
        general_channel_id: int | None = None,
    ) -> None:
        self.id = id
        self.name = name
        self.owner = owner
        # The server's preferred locale (Server Settings > Community): `guild_locale` on its interactions.
        self.locale = "en-US"
        self._snowflakes = snowflakes
        self._listener = listener
        self.created_at = datetime.now(UTC)
        self.channels: dict[int, Channel] = {}
        self.threads: dict[int, Channel] = {}  # public threads, by id (a message's thread has its id)
        self.roles: dict[int, Role] = {id: Role(id=id, guild_id=id, name="@everyone", position=0)}
        self.roles[id].permissions = EVERYONE_PERMISSIONS
        self.members: dict[int, Member] = {}
        self.bot_role = Role(
            id=bot_role_id or snowflakes(),
            guild_id=id,
            name=bot_user.name,
            permissions=BOT_PERMISSIONS,
            bot_id=bot_user.id,
        )
        self.roles[self.bot_role.id] = self.bot_role
        self.members[owner.id] = Member(owner, id)
        self.members[bot_user.id] = Member(bot_user, id, roles=[self.bot_role.id])
        self.general = self.add_channel("general", channel_id=general_channel_id)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    # -- mutation (dispatched to a connected bot) -------------------------------------------------------

    def add_channel(
        self,
        name: str,
        *,
        bot_can_send: bool = True,
        bot_can_view: bool = True,
        type: int = GUILD_TEXT,
        channel_id: int | None = None,
    ) -> Channel:
        bot_id = self.bot_role.bot_id
        assert bot_id is not None
        channel = Channel(
            id=channel_id or self._snowflakes(),
            guild_id=self.id,
            name=name,
            type=type,
            position=len(self.channels),
        )
        deny = (0 if bot_can_send else SEND_MESSAGES) | (0 if bot_can_view else VIEW_CHANNEL)
        if deny:
            channel.overwrites.append(Overwrite(id=bot_id, type=MEMBER_OVERWRITE, deny=deny))
        self.channels[channel.id] = channel
        self._listener(self, "CHANNEL_CREATE", channel.payload())
        return channel

    def remove_channel(self, channel_id: int) -> None:
        channel = self.channels.pop(channel_id)
        self._listener(self, "CHANNEL_DELETE", channel.payload())

    def add_role(
        self, name: str, *, permissions: int = 0, mentionable: bool = False, role_id: int | None = None
    ) -> Role:
        role = Role(
            id=role_id or self._snowflakes(),
            guild_id=self.id,
            name=name,
            permissions=permissions,
            position=len(self.roles),
            mentionable=mentionable,
        )
        self.roles[role.id] = role
        self._listener(self, "GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": role.payload()})
        return role

    def remove_role(self, role_id: int) -> None:
        del self.roles[role_id]
        for member in self.members.values():
            if role_id in member.roles:
                member.roles.remove(role_id)
        self._listener(self, "GUILD_ROLE_DELETE", {"guild_id": str(self.id), "role_id": str(role_id)})

    def update_role(self, role: Role) -> None:
        self._listener(self, "GUILD_ROLE_UPDATE", {"guild_id": str(self.id), "role": role.payload()})

    def update_member(self, member: Member) -> None:
        self._listener(self, "GUILD_MEMBER_UPDATE", {"guild_id": str(self.id), **member.payload()})

    # -- permissions ------------------------------------------------------------------------------------

    def base_permissions(self, user_id: int) -> int:
        if user_id == self.owner.id:
            return ALL_PERMISSIONS
        member = self.members[user_id]
        value = self.everyone.permissions | member.extra_permissions
        for role_id in member.roles:
            value |= self.roles[role_id].permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def everyone_permissions_in(self, channel: Channel) -> int:
        """What @everyone may do in the channel: base permissions and the @everyone overwrite."""
        value = self.everyone.permissions
        if value & ADMINISTRATOR:
            return ALL_PERMISSIONS
        if everyone := next(
            (o for o in channel.overwrites if (o.type, o.id) == (ROLE_OVERWRITE, self.id)), None
        ):
            value = (value & ~everyone.deny) | everyone.allow
        return value if value & VIEW_CHANNEL else 0

    def permissions_in(self, channel: Channel, user_id: int) -> int:
        """Discord's algorithm: base, then @everyone, role and member overwrites (a thread: its parent's)."""
        if channel.parent_id is not None and channel.parent_id in self.channels:
            channel = self.channels[channel.parent_id]
        value = self.base_permissions(user_id)
        if value & ADMINISTRATOR:
            return ALL_PERMISSIONS
        by_id = {(o.type, o.id): o for o in channel.overwrites}
        if everyone := by_id.get((ROLE_OVERWRITE, self.id)):
            value = (value & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for role_id in self.members[user_id].roles:
            if overwrite := by_id.get((ROLE_OVERWRITE, role_id)):
                allow |= overwrite.allow
                deny |= overwrite.deny
        value = (value & ~deny) | allow
        if member := by_id.get((MEMBER_OVERWRITE, user_id)):
            value = (value & ~member.deny) | member.allow
        if not value & VIEW_CHANNEL:
            return 0
        if not value & SEND_MESSAGES:  # Discord withholds what only makes sense when sending
            value &= ~(SEND_TTS_MESSAGES | EMBED_LINKS | ATTACH_FILES | MENTION_EVERYONE)
        return value

    # -- payloads ---------------------------------------------------------------------------------------

    def partial_payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "locale": self.locale, "features": []}

    def payload(self) -> dict[str, Any]:
        """The GUILD_CREATE payload."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner.id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": self.locale,
            "system_channel_id": str(self.general.id) if self.general.id in self.channels else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "application_id": None,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [r.payload() for r in self.roles.values()],
            "joined_at": iso(self.created_at),
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "members": [m.payload() for m in self.members.values()],
            "channels": [
                {k: v for k, v in c.payload().items() if k != "guild_id"} for c in self.channels.values()
            ],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "embedded_activities": [],
            "lazy": True,
        }
