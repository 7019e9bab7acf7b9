"""The emulator's DMs (open one, send to it, closed DMs) and its opt-in rate limits, driven by a bare
discord.py client or raw HTTP, so the shapes and the 429s are what discord.py itself sees."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
import yarl

from discord_emulator import DiscordEmulator, Guild, User
from discord_emulator.ratelimits import RateLimiter, RateLimits, RouteLimit


@contextlib.asynccontextmanager
async def bare_client(emulator: DiscordEmulator) -> AsyncIterator[discord.Client]:
    discord.http.Route.BASE = emulator.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emulator.gateway_url)
    client = discord.Client(intents=discord.Intents.none())
    task = asyncio.create_task(client.start("emulator-token"))
    await asyncio.wait_for(client.wait_until_ready(), 10)
    try:
        yield client
    finally:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def raw(
    emulator: DiscordEmulator, method: str, path: str, body: object = None
) -> aiohttp.ClientResponse:
    async with aiohttp.ClientSession() as session:
        response = await session.request(
            method, emulator.api_base + path, json=body, headers={"Authorization": "Bot emulator-token"}
        )
        await response.read()
        return response


async def test_the_bot_opens_a_dm_sends_once_per_nonce_and_reads_it_back(
    emulator: DiscordEmulator, fan: User
) -> None:
    async with bare_client(emulator) as client:
        channel = await client.create_dm(discord.Object(fan.id))
        assert channel.id == emulator.dm_channel(fan).id
        again = await client.http.start_private_message(fan.id)
        assert int(again["id"]) == channel.id  # the same DM every time
        first = await channel.send("hello", nonce="reminder-1")
        second = await channel.send("hello", nonce="reminder-1")
        assert first.id == second.id
        assert [m["content"] for m in emulator.dms_to(fan)] == ["hello"]
        assert [m.id async for m in channel.history(limit=10)] == [first.id]
        with pytest.raises(discord.HTTPException) as refused:
            await client.http.start_private_message(emulator.bot_user.id)
        assert refused.value.code == 50033


async def test_closed_dms_refuse_the_message_not_the_channel(emulator: DiscordEmulator, fan: User) -> None:
    fan.accepts_dms = False
    async with bare_client(emulator) as client:
        channel = await client.create_dm(discord.Object(fan.id))
        with pytest.raises(discord.Forbidden) as refused:
            await channel.send("hello")
        assert refused.value.code == 50007
    assert emulator.dms_to(fan) == []


async def test_rate_limits_are_off_unless_asked_for(emulator: DiscordEmulator, guild: Guild) -> None:
    for _ in range(8):
        response = await raw(emulator, "POST", f"/channels/{guild.general.id}/messages", {"content": "x"})
        assert response.status == 200
    assert emulator.rate_limited == []


async def test_a_channels_bucket_answers_429_with_what_discord_py_needs(discord_endpoints: None) -> None:
    limits = RateLimits(
        routes=(RouteLimit("POST", "/channels/{channel_id}/messages", 2, 30.0, "channel_id"),)
    )
    async with DiscordEmulator(rate_limits=limits) as emulator:
        guild = emulator.add_guild()
        other = guild.add_channel("other")
        path = f"/channels/{guild.general.id}/messages"
        first = await raw(emulator, "POST", path, {"content": "1"})
        assert first.headers["X-RateLimit-Limit"] == "2" and first.headers["X-RateLimit-Remaining"] == "1"
        assert float(first.headers["X-RateLimit-Reset-After"]) > 29 and first.headers["X-RateLimit-Bucket"]
        await raw(emulator, "POST", path, {"content": "2"})
        refused = await raw(emulator, "POST", path, {"content": "3"})
        assert refused.status == 429
        assert refused.headers["Via"] == "1.1 google" and refused.headers["X-RateLimit-Scope"] == "user"
        assert int(refused.headers["Retry-After"]) >= 29
        body = await refused.json()
        assert body["global"] is False and 29 < body["retry_after"] <= 30
        # Another channel has its own bucket; nothing refused was stored.
        assert (await raw(emulator, "POST", f"/channels/{other.id}/messages", {"content": "4"})).status == 200
        assert [m["content"] for m in emulator.messages_in(guild.general.id)] == ["1", "2"]
        assert [(r.path, r.scope) for r in emulator.rate_limited] == [(path, "user")]


async def test_the_global_limit_spares_interaction_callbacks(discord_endpoints: None) -> None:
    async with DiscordEmulator(rate_limits=RateLimits(routes=(), global_limit=2, global_window=30.0)) as emu:
        assert [(await raw(emu, "GET", "/users/@me")).status for _ in range(2)] == [200, 200]
        refused = await raw(emu, "GET", "/gateway")
        assert refused.status == 429 and refused.headers["X-RateLimit-Global"] == "true"
        assert refused.headers["X-RateLimit-Scope"] == "global" and refused.headers["Via"] == "1.1 google"
        assert (await refused.json())["global"] is True
        exempt = await raw(emu, "POST", "/interactions/1/token/callback", {"type": 1})
        assert exempt.status == 404  # handled (an unknown interaction), not rate limited


async def test_discord_py_waits_out_429s_and_every_message_arrives_once(
    discord_endpoints: None, fan: User
) -> None:
    limits = RateLimits(global_limit=10, global_window=0.2)
    async with DiscordEmulator(rate_limits=limits) as emulator:
        fans = [emulator.add_user(f"fan {n}") for n in range(15)]
        async with bare_client(emulator) as client:

            async def remind(user: User) -> None:
                channel = await client.create_dm(discord.Object(user.id))
                await channel.send("hi", nonce=f"n{user.id}"[:25])

            async with asyncio.timeout(20):
                await asyncio.gather(*(remind(user) for user in fans))
        assert all(len(emulator.dms_to(user)) == 1 for user in fans)
        assert any(r.scope == "global" for r in emulator.rate_limited)  # some were refused, then retried


def test_windows_reset_and_buckets_are_kept_per_channel() -> None:
    now = [0.0]
    limiter = RateLimiter(
        RateLimits(routes=(RouteLimit("POST", "/channels/{channel_id}/messages", 1, 5.0, "channel_id"),)),
        clock=lambda: now[0],
    )
    route = "/channels/{channel_id}/messages"

    def admitted(channel: str) -> bool:
        verdict = limiter.admit("POST", route, f"/channels/{channel}/messages", {"channel_id": channel})
        return verdict is not None and verdict.refused is None

    assert admitted("1") and not admitted("1") and admitted("2")
    now[0] = 5.0
    assert admitted("1")
    assert limiter.admit("GET", "/users/@me", "/users/@me", {}) is None  # no bucket: the global only
