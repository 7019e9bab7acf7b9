"""A loopback Discord: a real discord.py client (the bot under test) talks to it over real HTTP and websocket.

An aiohttp server on 127.0.0.1 (random port) speaks the REST routes under /api/v10 and the gateway websocket
at /gateway. It is the one Discord stand-in of this repository: the tests (tests/conftest.py), the benchmark
(bench/) and the preview (`python -m bot ask`, bot/preview/) all drive it.

OpenAPI validation (optional)
    With Discord's OpenAPI document (`../shared/discord-openapi.json` beside the checkout, or the file
    `$FANDEX_OPENAPI` names) and jsonschema installed, every JSON request body (and multipart
    `payload_json`) is validated against it; so are the emulator's own successful answers, to keep its
    shapes honest. Without them the emulator runs the same and `emu.validation_skipped` says why nothing
    was checked (`validate=False` turns validation off, as the bench and `ask` do).

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
    emu = DiscordEmulator(application_id=..., bot_user_id=..., bot_name="Fandex", clock=None)
        # default: realistic ids, bot id = app id. `clock` (a callable returning an aware datetime) dates
        # snowflakes and message timestamps: a stopped clock gives the same ids on every run.
    await emu.start(); emu.api_base; emu.gateway_url; await emu.stop()   (or `async with DiscordEmulator()`)
    guild = emu.add_guild(guild_id=None, name="Heartstopper Fans", *, owner=None, general_channel_id=None,
                          bot_role_id=None, installed=True)
        # #general (guild.general), @everyone (guild.everyone), an owner (guild.owner), and the bot as a
        # member whose managed role (guild.bot_role) grants View Channel, Send Messages, Embed Links.
        # installed=False: a server that never installed the app (emu.foreign_guilds): no bot, nothing
        # dispatched to it; only user-installed commands reach it, with `authorizing_integration_owners`
        # {"1": user id} only and `app_permissions` those of @everyone plus Embed Links and Attach Files.
    guild.add_channel(name, *, bot_can_send=True, bot_can_view=True, type=GUILD_TEXT, channel_id=None)
        # bot_can_send=False adds a member overwrite denying the bot Send Messages
    guild.add_role(name, *, permissions=0, mentionable=False, role_id=None) -> Role
    guild.remove_channel(channel_id); guild.remove_role(role_id)
    user = emu.add_user(name, *, user_id=None) -> User
        # user.accepts_dms = False: the user closed their DMs to the bot; the bot still opens the DM
        # (POST /users/@me/channels always answers the same channel), but a message to it gets 403 50007
    emu.member(guild, user, manage_guild=False | permissions=int, roles=None) -> Member
        # joins the user (idempotent), grants extra permissions, sets its roles (ids); for emu.bot_user
        # `permissions` sets the bot's managed role (e.g. BOT_PERMISSIONS | MANAGE_EVENTS), so discord.py
        # sees it too.
    emu.register_commands(commands, scope=None)
        # what Discord kept from an earlier sync, for a bot that will not sync again (not in command_puts)
    Changes made while the bot is connected are dispatched to it (GUILD_CREATE, CHANNEL_CREATE/DELETE,
    GUILD_ROLE_CREATE/UPDATE, ...), subject to the intents it identified with. GUILD_CREATE carries the
    guild's `emu.scheduled_events[guild.id]`. Permission bits live in discord_emulator.models
    (VIEW_CHANNEL, SEND_MESSAGES, MANAGE_GUILD, ...).

Interactions (the user is made a member if needed; the interaction is checked against the REGISTERED
commands the way Discord's client would: unknown command/subcommand/option, missing required option,
wrong type, value outside choices/min/max, a command not offered in that context all raise
EmulatorUsageError)
    result = await emu.slash(guild, user, "cast lookup", name="Kit Connor",
                             _member_permissions=None, _channel=None, timeout=5)
        # options are typed from the registration; Channel/Role/User/Member objects go in data.resolved;
        # `data.guild_id` only for a command registered to the guild, as Discord sends it
    result = await emu.slash_dm(user, "about", private_channel=False, **options)
        # context 1 (the user's DM with the bot) or 2 (a group DM without it, for user-installed commands):
        # `user` instead of `member`, no guild fields. `authorizing_integration_owners` is always present:
        # {"0": guild id, or "0" in the bot's DM} for server installs, {"1": user id} for user installs.
    result.callback     the callback body the bot POSTed: {"type": 4|5|6|7|8|9, "data": {...}}
    result.message      the visible message as Discord returns it (snapshot): for type 4 the reply, after
                        a deferral (5/6) the first edit of @original or the first follow-up (awaited)
    result.ephemeral / .content / .embeds / .components / .custom_ids() / .followups (live list)
    result.message["attachments"]   files of a multipart body (`payload_json` + `files[n]`): filename,
                        description (alt text), size, content_type; emu.attachment_data[id] has the bytes
    result.elapsed      seconds from dispatch to callback. Discord's window (`emu.callback_deadline`, 3 s)
                        is enforced: a later callback gets 404 "Unknown interaction" (10062), and slash()
                        raises InteractionTimeout (a TimeoutError) whose `.record` notes `late_callback_at`.
    result.interaction  the INTERACTION_CREATE payload that was dispatched
    choices = await emu.autocomplete(guild, user, "cast lookup", "name", "kit", **other_options)
        # the focused value goes out as given: a string, a number, or None for no `value` at all;
        # emu.autocomplete_dm(user, command, option, value, private_channel=False) in DMs
    result2 = await emu.click(result, "custom-id", user=user)
    result3 = await emu.select(result, "custom-id", ["value", ...], user=user)
        # component interactions on the message `result` shows (or a message dict, e.g. from bot_messages);
        # for user/role/channel selects pass objects
    result5 = await emu.submit_modal(result2, {"text-input-custom-id": "value"}, _unchecked=False)
        # submit the form the bot answered `result2` with (callback type 9), as the user it was shown to:
        # data.custom_id and the components in the layout shown (action rows or labels of text inputs,
        # each with custom_id and value), plus the component's message when a button opened it. Checked
        # as Discord's client would (required, min/max_length) unless `_unchecked`
    result4 = await emu.dispatch_interaction(guild, user, kind, data, message=None, _channel=None, timeout=5)
        # low level: INTERACTION_CREATE of type kind (2 command, 3 component, 4 autocomplete, 5 modal submit)
        # with `data` exactly as given, unchecked, as a stale or hostile client would send it;
        # guild=None: in the user's DM with the bot (or `_channel`, a group DM), e.g. a forged /config
    default_member_permissions is not enforced (so tests reach the bot's own server-side check, as a
    guild's permission override would); set `emu.enforce_default_permissions = True` to hide such
    commands from members lacking them, as Discord's client does.

Inspection
    emu.messages_in(channel_id)  visible messages the bot posted there: channel messages and non-ephemeral
                                 interaction replies/follow-ups (those carry `interaction_metadata`)
    emu.bot_messages             every message the bot created, ephemeral ones too, oldest first
                                 (PostedMessage: .message live, .kind "reply"|"followup"|"channel",
                                 .interaction_id, .edits, .deleted)
    await emu.wait_idle(quiet=0.05)  until no REST request is in flight and none started for `quiet` s
    emu.scheduled_events[guild_id]; emu.command_puts[None | guild_id]; emu.registered_commands(scope=None)
        # each registered command keeps the `contexts` and `integration_types` the bot synced
    emu.dms_to(user)             what the bot posted in its DM with `user` by REST (not interaction
                                 replies there), oldest first
    emu.requests (RecordedRequest: method, path relative to /api/v10, query, json, headers)
    emu.identify_payloads (check `intents`, `shard`); emu.gateway.resumes
    DiscordEmulator(shard_count=2)  GET /gateway/bot answers "shards": 2; a session that identifies with
                                 `shard: [id, count]` gets READY/GUILD_CREATE and every dispatch only for
                                 guilds with (guild_id >> 22) % count == id (DMs on shard 0);
                                 emu.gateway.by_shard[id]: each shard's session;
                                 emu.gateway.shards_connected: the shard ids with a socket
    GET /channels/{id}/messages serves the stored channel messages (limit 1-100, after, before; newest
    first; 403 50001 without View Channel or Read Message History) without their `nonce`, which Discord
    echoes only to the sender of a create.

Rate limits (opt-in: discord_emulator.ratelimits)
    emu = DiscordEmulator(rate_limits=RateLimits())   # or RateLimits(routes=..., global_limit=50, ...)
        # per-route buckets (POST /channels/{id}/messages 5 per 5 s per channel, POST /users/@me/channels)
        # and the global 50 requests per second (interaction callbacks and webhooks exempt), each refusal a
        # 429 with retry_after, `global`, Retry-After, X-RateLimit-Scope and `Via: 1.1 google`; admitted
        # answers carry their bucket's X-RateLimit-* headers. emu.rate_limited lists every 429 answered.

Faults
    emu.on_message_stored = callback  # called with each new channel message before the bot gets the answer
    emu.forget_nonces()               Discord's memory of enforced nonces (NONCE_WINDOW, 120 s) runs out now
    emu.fail_next(method, path_regex, status, json_body=None, headers=None, times=1)
        # method or "*"; path_regex is searched in the path relative to /api/v10. A 429 carries
        # `Via: 1.1 google`, retry_after 0.05 s and X-RateLimit headers unless overridden.
    emu.hang_next(method, path_regex, seconds=60.0, times=1)
        # handle the next matching requests at once but hold their answers `seconds` (a message is stored,
        # the answer is late); emu.release_hangs() and stop() let every held answer go
    await emu.close_gateway(code=4000)   close frame with that code (discord.py resumes for 4000)
    await emu.drop_gateway()             cut TCP without a close frame (discord.py resumes)
    emu.gateway.invalidate_sessions()    the next RESUME gets INVALID_SESSION and the bot identifies again
    Dispatches made while the bot is disconnected are queued and replayed on RESUME.
"""

from .interactions import EmulatorUsageError, InteractionResult, InteractionTimeout, PostedMessage
from .models import Channel, Guild, Member, PrivateChannel, Role, User
from .server import DiscordEmulator

__all__ = [
    "Channel",
    "DiscordEmulator",
    "EmulatorUsageError",
    "Guild",
    "InteractionResult",
    "InteractionTimeout",
    "Member",
    "PostedMessage",
    "PrivateChannel",
    "Role",
    "User",
]
