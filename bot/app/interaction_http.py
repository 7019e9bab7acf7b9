"""Interaction callbacks retried within Discord's 3-second deadline.

discord.py retries a failed webhook request after 1 + 2*attempt seconds. That suits webhooks, but an
interaction callback is worthless once Discord's 3-second window has passed: after a 429 and then a
500 the answer would land at ~3.5 s and be rejected. Callbacks are retried fast here instead; every
other request keeps discord.py's behaviour.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import discord
from discord.http import Route, json_or_text
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

log = logging.getLogger(__name__)

CALLBACK_PATH = "/interactions/{webhook_id}/{webhook_token}/callback"
# Leave room for the request itself inside Discord's 3 s: give up on retries after this long.
CALLBACK_BUDGET_SECONDS = 2.5
MAX_ATTEMPTS = 5
FIRST_BACKOFF_SECONDS = 0.1


class DeadlineAwareWebhookAdapter(AsyncWebhookAdapter):
    async def request(
        self,
        route: Route,
        session: aiohttp.ClientSession,
        *,
        payload: dict[str, Any] | None = None,
        multipart: list[dict[str, Any]] | None = None,
        proxy: str | None = None,
        proxy_auth: aiohttp.BasicAuth | None = None,
        files: Any = None,
        reason: str | None = None,
        auth_token: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        if route.path != CALLBACK_PATH or files or multipart or reason or auth_token:
            return await super().request(
                route,
                session,
                payload=payload,
                multipart=multipart,
                proxy=proxy,
                proxy_auth=proxy_auth,
                files=files,
                reason=reason,
                auth_token=auth_token,
                params=params,
            )
        return await self._request_callback(route, session, payload, proxy, proxy_auth, params)

    async def _request_callback(
        self,
        route: Route,
        session: aiohttp.ClientSession,
        payload: dict[str, Any] | None,
        proxy: str | None,
        proxy_auth: aiohttp.BasicAuth | None,
        params: dict[str, Any] | None,
    ) -> Any:
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + CALLBACK_BUDGET_SECONDS
        body = discord.utils._to_json(payload) if payload is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        for attempt in range(MAX_ATTEMPTS):
            async with session.request(
                route.method,
                route.url,
                data=body,
                headers=headers,
                params=params,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as response:
                data = await json_or_text(response)
                if 200 <= response.status < 300:
                    return data
                if response.status == 429 and response.headers.get("Via") and isinstance(data, dict):
                    delay = float(data.get("retry_after", FIRST_BACKOFF_SECONDS))
                elif response.status >= 500:
                    delay = FIRST_BACKOFF_SECONDS * 2**attempt
                elif response.status == 403:
                    raise discord.Forbidden(response, data)
                elif response.status == 404:
                    raise discord.NotFound(response, data)
                else:  # includes a 429 without Via: Cloudflare's ban, not Discord's rate limit
                    raise discord.HTTPException(response, data)

                if attempt == MAX_ATTEMPTS - 1 or loop.time() + delay > give_up_at:
                    if response.status >= 500:
                        raise discord.DiscordServerError(response, data)
                    raise discord.HTTPException(response, data)
            log.warning(
                "Interaction callback answered %d; retrying in %.2f s (attempt %d)",
                response.status,
                delay,
                attempt + 1,
            )
            await asyncio.sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")


def install_callback_adapter() -> None:
    """Use the deadline-aware adapter for interaction responses sent from this context onwards.

    discord.py reads the adapter from a ContextVar; the gateway task that dispatches interactions
    inherits the value set here (from setup_hook, which runs in that task before connecting).
    """
    async_context.set(DeadlineAwareWebhookAdapter())
