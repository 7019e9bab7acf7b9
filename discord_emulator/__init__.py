"""A loopback Discord for end-to-end tests: the real bot and discord.py's real HTTP and gateway code, offline.

An aiohttp server on 127.0.0.1 (random port) speaks the REST routes under /api/v10 and the gateway websocket
at /gateway. Every JSON request body (and multipart `payload_json`) is validated against Discord's OpenAPI
document (`../shared/discord-openapi.json` from the repository root, or `$FANDEX_OPENAPI`); so are the
emulator's own successful answers, to keep its shapes honest.

Fixtures (tests/conftest.py)
    emulator             a started DiscordEmulator with no guild yet. At teardown the test fails if the bot
                         sent an off-spec body (`validation_errors`), hit an unemulated route
                         (`unexpected_routes`) or the emulator answered off-spec (`response_errors`).
                         Clear a list in the test when provoking one on purpose.
    start_bot            `bot = await start_bot(clock=None, **settings_overrides)` starts the real FandexBot
                         against the emulator and waits until ready. Call again to restart on the same
                         database file; bots still running are closed at teardown.
    discord_endpoints    restores discord.py's `Route.BASE` / `DEFAULT_GATEWAY` after the test.

World
    emu = DiscordEmulator(application_id=..., bot_user_id=...)  # default: realistic ids, bot id = app id
    await emu.start(); emu.api_base; emu.gateway_url; await emu.stop()
    guild = emu.add_guild(guild_id=None, name="Heartstopper Fans")
        # #general (guild.general), @everyone (guild.everyone), an owner (guild.owner), and the bot as a
        # member whose managed role (guild.bot_role) grants View Channel, Send Messages, Embed Links.
    guild.add_channel(name, *, bot_can_send=True, bot_can_view=True) -> Channel
        # bot_can_send=False adds a member overwrite denying the bot Send Messages
    guild.add_role(name, *, permissions=0, mentionable=False) -> Role
    guild.remove_channel(channel_id); guild.remove_role(role_id)
    user = emu.add_user(name) -> User
    emu.member(guild, user, manage_guild=False | permissions=int) -> Member
        # joins the user (idempotent) and grants extra permissions; for emu.bot_user it sets the bot's
        # managed role instead (e.g. permissions=BOT_PERMISSIONS | MANAGE_EVENTS), so discord.py sees it too.
    Changes made while the bot is connected are dispatched to it (GUILD_CREATE, CHANNEL_CREATE/DELETE,
    GUILD_ROLE_CREATE/UPDATE, ...), subject to the intents it identified with.
    Permission bits live in discord_emulator.models (VIEW_CHANNEL, SEND_MESSAGES, MANAGE_GUILD, ...).

Interactions (the user is made a member if needed; the interaction is checked against the REGISTERED
commands the way Discord's client would: unknown command/subcommand/option, missing required option,
wrong type, value outside choices/min/max all raise EmulatorUsageError)
    result = await emu.slash(guild, user, "cast lookup", name="Kit Connor",
                             _member_permissions=None, _channel=None, timeout=5)
        # options are typed from the registration; Channel/Role/User/Member objects go in data.resolved
    result.callback     the callback body the bot POSTed: {"type": 4|5|6|7|8|9, "data": {...}}
    result.message      the visible message as Discord returns it (snapshot): for type 4 the reply, after
                        a deferral (5/6) the first edit of @original or the first follow-up (awaited)
    result.ephemeral / .content / .embeds / .components / .custom_ids() / .followups (live list)
    result.elapsed      seconds from dispatch to callback. Discord's 3 s window is enforced: a later
                        callback gets 404 "Unknown interaction" (10062) and slash() raises TimeoutError.
    result.interaction  the INTERACTION_CREATE payload that was dispatched
    choices = await emu.autocomplete(guild, user, "cast lookup", "name", "kit", **other_options)
    result2 = await emu.click(result, "custom-id", user=user)
    result3 = await emu.select(result, "custom-id", ["value", ...], user=user)
        # component interactions on the message `result` shows; for user/role/channel selects pass objects
    default_member_permissions is not enforced (so tests reach the bot's own server-side check, as a
    guild's permission override would); set `emu.enforce_default_permissions = True` to hide such
    commands from members lacking them, as Discord's client does.

Inspection
    emu.messages_in(channel_id)  visible messages the bot posted there: channel messages and non-ephemeral
                                 interaction replies/follow-ups (those carry `interaction_metadata`)
    emu.scheduled_events[guild_id]; emu.command_puts[None | guild_id]; emu.registered_commands(scope=None)
    emu.requests (RecordedRequest: method, path relative to /api/v10, query, json, headers)
    emu.identify_payloads (check `intents`); emu.gateway.resumes
    GET /channels/{id}/messages serves the stored channel messages (limit 1-100, after, before; newest
    first; 403 50001 without View Channel or Read Message History) without their `nonce`, which Discord
    echoes only to the sender of a create.

Faults
    emu.on_message_stored = callback  # called with each new channel message before the bot gets the answer
    emu.forget_nonces()               Discord's memory of enforced nonces (NONCE_WINDOW, 120 s) runs out now
    emu.fail_next(method, path_regex, status, json_body=None, headers=None, times=1)
        # method or "*"; path_regex is searched in the path relative to /api/v10. A 429 carries
        # `Via: 1.1 google`, retry_after 0.05 s and X-RateLimit headers unless overridden.
    await emu.close_gateway(code=4000)   close frame with that code (discord.py resumes for 4000)
    await emu.drop_gateway()             cut TCP without a close frame (discord.py resumes)
    emu.gateway.invalidate_sessions()    the next RESUME gets INVALID_SESSION and the bot identifies again
    Dispatches made while the bot is disconnected are queued and replayed on RESUME.
"""

from .interactions import EmulatorUsageError, InteractionResult
from .models import Channel, Guild, Member, Role, User
from .server import DiscordEmulator

__all__ = [
    "Channel",
    "DiscordEmulator",
    "EmulatorUsageError",
    "Guild",
    "InteractionResult",
    "Member",
    "Role",
    "User",
]
