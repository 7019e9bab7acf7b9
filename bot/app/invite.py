"""The invite links: a server install (OAuth2 scopes and the smallest permission set the features need)
and a user install (a fan adds Fandex to their own account and uses it anywhere, with their own settings).

The permission integer is computed from `PERMISSION_NEEDS`, a list of what each feature does with
which permission. Replies to slash commands, autocomplete, buttons and menus go through the interaction
webhook and need no channel permission at all; only what the bot does on its own needs one. A user install
takes no bot user and no permissions: only `applications.commands` (Discord's `integration_type=1`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

import discord

GUILD_INSTALL, USER_INSTALL = 0, 1  # the OAuth2 `integration_type` of a server and of a user install
USER_SCOPE = "applications.commands"  # all a user install takes: no bot user, no permissions
SCOPES: tuple[tuple[str, str], ...] = (
    ("bot", "join the server as a bot user, to post release-day announcements"),
    ("applications.commands", "register the slash commands"),
)

# Application ids are snowflakes: 17 digits in 2015, 19 today, 20 at most for decades.
_CLIENT_ID = re.compile(r"^\d{17,20}$")


@dataclass(frozen=True, slots=True)
class PermissionNeed:
    permission: str  # a discord.Permissions flag name
    feature: str
    reason: str


PERMISSION_NEEDS: tuple[PermissionNeed, ...] = (
    PermissionNeed("view_channel", "release-day announcements", "see the announcement channel"),
    PermissionNeed("send_messages", "release-day announcements", "post in the announcement channel"),
    PermissionNeed("embed_links", "release-day announcements", "show the announcement's embed"),
    # Only a retry after a crash reads history: to find a post Discord stored but the bot never recorded,
    # once Discord has forgotten the nonce that would have stopped a duplicate.
    PermissionNeed(
        "read_message_history",
        "release-day announcements",
        "after a crash, find its own earlier post instead of posting it twice",
    ),
    PermissionNeed(
        "create_public_threads",
        "/config announcements thread:True",
        "open a spoiler thread on each release-day announcement",
    ),
    PermissionNeed(
        "send_messages_in_threads",
        "/config announcements thread:True",
        "post the release thread's first message (spoilers allowed there)",
    ),
    # Create Events (not Manage Events): create the server's scheduled events and edit or delete the
    # ones it created, without touching events the members made.
    PermissionNeed(
        "create_events",
        "/config event-add discord_event:True",
        "add the event to the server's Events tab",
    ),
)

# Deliberately not requested, with what to do instead; printed so nobody adds them "just in case".
NOT_REQUESTED: tuple[tuple[str, str], ...] = (
    (
        "mention_everyone",
        "A role ping in announcements reaches members only if the role is mentionable "
        '(Server Settings > Roles > the role > "Allow anyone to @mention this role"). '
        "Mention Everyone would also let the bot ping @everyone; it never needs to.",
    ),
    ("administrator", "Never needed: every feature works with the permissions above."),
)


class InviteError(ValueError):
    """The client id is not an application id."""


def required_permissions() -> discord.Permissions:
    return discord.Permissions(**{need.permission: True for need in PERMISSION_NEEDS})


def validate_client_id(text: str) -> int:
    value = text.strip()
    if not _CLIENT_ID.match(value):
        raise InviteError(
            f"--client-id must be your application's ID (17-20 digits: Developer Portal > your "
            f"application > General Information > Application ID); got {text!r}."
        )
    return int(value)


def invite_url(client_id: int) -> str:
    """Install to a server (`integration_type=0`): the bot user, the commands and the permissions."""
    url = discord.utils.oauth_url(
        client_id, permissions=required_permissions(), scopes=[scope for scope, _ in SCOPES]
    )
    return f"{url}&integration_type={GUILD_INSTALL}"


def user_install_url(client_id: int) -> str:
    """Install to a fan's own account (`integration_type=1`): the commands only, usable anywhere."""
    query = urlencode({"client_id": client_id, "integration_type": USER_INSTALL, "scope": USER_SCOPE})
    return f"https://discord.com/oauth2/authorize?{query}"


def permission_label(name: str) -> str:
    return name.replace("_", " ").replace("guild", "server").title()


def invite_report(client_id: int) -> list[str]:
    """The two URLs, then why each scope and permission is asked for, and what is deliberately not."""
    permissions = required_permissions()
    lines = [
        invite_url(client_id),
        "  Add to a server: moderators get /config and release-day announcements.",
        user_install_url(client_id),
        "  Add to your own account: a fan's commands in any server, DM or group DM, with their own /me",
        "  settings (Developer Portal > your application > Installation: tick User Install).",
        "",
        "Scopes (server install):",
    ]
    lines += [f"  {scope}: {reason}" for scope, reason in SCOPES]
    lines += ["", f"Permissions (integer {permissions.value}):"]
    width = max(len(permission_label(need.permission)) for need in PERMISSION_NEEDS)
    lines += [
        f"  {permission_label(need.permission):<{width}}  {need.feature}: {need.reason}"
        for need in PERMISSION_NEEDS
    ]
    lines += ["", "Not requested:"]
    lines += [f"  {permission_label(name)}: {why}" for name, why in NOT_REQUESTED]
    return lines
