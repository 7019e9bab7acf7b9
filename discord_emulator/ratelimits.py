"""Discord's REST rate limits, opt-in: per-route buckets and the global limit, answered with 429s.

Off by default (`DiscordEmulator(rate_limits=None)`): every answer then carries the same generous headers it
always did, and no request is refused. With `RateLimits()` each request is counted against

- its route's bucket, when `routes` lists the route: `limit` requests per `window` seconds, counted per
  value of the route's top-level parameter (`major`: a channel, a guild) or once for the whole bot
  (`major=None`), a fixed window that starts with the first request after the last one ran out, as
  Discord's buckets behave; and
- the global limit: `global_limit` requests per `global_window` seconds across every route but interaction
  callbacks and webhooks, which Discord exempts.

An admitted request's answer carries its bucket's X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket. A
refused one is a 429 with Discord's body (`message`, `retry_after` in seconds, `global`), Retry-After, the
X-RateLimit-Scope ("user" for a route's bucket, "global") and `Via: 1.1 google`: without that header
discord.py takes a 429 for a Cloudflare ban and gives up. Nothing a refused request asked for is done.

The figures of `DISCORD_ROUTES` are what Discord is known or assumed to apply; it publishes only the global
50 per second and tells bots to read the headers instead of hard-coding limits:

- POST /channels/{channel_id}/messages: 5 per 5 s per channel (the long-standing per-channel message limit);
- POST /users/@me/channels (open a DM): 10 per second for the bot, an assumption (Discord does not publish
  it); the reminder benchmark takes other figures on its command line.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# Routes Discord does not count against the global limit: interaction callbacks and (interaction) webhooks.
GLOBAL_EXEMPT_PREFIXES = ("/interactions/", "/webhooks/")


@dataclass(frozen=True, slots=True)
class RouteLimit:
    method: str
    route: str  # as the emulator's router names it, relative to /api/v10: "/channels/{channel_id}/messages"
    limit: int
    window: float  # seconds
    major: str | None = None  # the path parameter buckets are kept per ("channel_id"); None: one bucket


DISCORD_ROUTES: tuple[RouteLimit, ...] = (
    RouteLimit("POST", "/channels/{channel_id}/messages", 5, 5.0, major="channel_id"),
    RouteLimit("POST", "/users/@me/channels", 10, 1.0),
)


@dataclass(frozen=True, slots=True)
class RateLimits:
    """What the emulator enforces once `rate_limits` is set."""

    routes: tuple[RouteLimit, ...] = DISCORD_ROUTES
    global_limit: int = 50
    global_window: float = 1.0


@dataclass(slots=True)
class _Window:
    limit: int
    window: float
    remaining: int = 0
    resets_at: float = 0.0

    def take(self, now: float) -> float | None:
        """Count one request: None if admitted, else the seconds until the window resets."""
        if now >= self.resets_at:
            self.remaining, self.resets_at = self.limit, now + self.window
        if self.remaining <= 0:
            return self.resets_at - now
        self.remaining -= 1
        return None


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to answer: `refused` (a 429 body) or the admitted request's rate limit headers."""

    headers: dict[str, str]
    refused: dict[str, object] | None = None
    scope: str | None = None  # "user" or "global" when refused


@dataclass(slots=True)
class Refusal:
    """One 429 the emulator answered (`DiscordEmulator.rate_limited`)."""

    method: str
    path: str
    scope: str
    retry_after: float


@dataclass(eq=False)
class RateLimiter:
    config: RateLimits
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[tuple[str, str, str], _Window] = field(default_factory=dict)
    _global: _Window | None = None

    def __post_init__(self) -> None:
        self._global = _Window(self.config.global_limit, self.config.global_window)
        self._routes = {(r.method, r.route): r for r in self.config.routes}

    def admit(self, method: str, route: str, path: str, params: Mapping[str, str]) -> Verdict | None:
        """Count a request to `route` (its template; `path` as sent); None when no limit applies to it."""
        now = self.clock()
        limited = self._routes.get((method, route))
        bucket = None
        if limited is not None:
            major = params.get(limited.major, "") if limited.major else ""
            key = (method, route, major)
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Window(limited.limit, limited.window)
            if now >= bucket.resets_at:
                bucket.remaining, bucket.resets_at = bucket.limit, now + bucket.window
            if bucket.remaining <= 0:
                return self._refuse(method, route, bucket.resets_at - now, "user", bucket)
        if not path.startswith(GLOBAL_EXEMPT_PREFIXES):
            assert self._global is not None
            wait = self._global.take(now)
            if wait is not None:
                return self._refuse(method, route, wait, "global", None)
        if bucket is None:
            return None
        bucket.remaining -= 1
        return Verdict(self._headers(method, route, bucket, now))

    def _refuse(
        self, method: str, route: str, retry_after: float, scope: str, bucket: _Window | None
    ) -> Verdict:
        retry_after = max(round(retry_after, 3), 0.001)
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": scope,
        }
        if scope == "global":
            headers["X-RateLimit-Global"] = "true"
        if bucket is not None:
            headers |= self._headers(method, route, bucket, self.clock())
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": scope == "global",
        }
        return Verdict(headers, refused=body, scope=scope)

    @staticmethod
    def _headers(method: str, route: str, bucket: _Window, now: float) -> dict[str, str]:
        reset_after = max(bucket.resets_at - now, 0.0)
        return {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(max(bucket.remaining, 0)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": hashlib.sha1(f"{method} {route}".encode()).hexdigest()[:16],
        }
