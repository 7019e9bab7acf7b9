"""Discord message JSON -> readable terminal text, for `python -m bot ask` (the preview).

It renders exactly the bodies the bot sends to Discord (content, embeds, components, autocomplete
choices), so what a maintainer reads is what members would see: spoilers are marked visibly instead of
hidden, mentions and `<t:…>` timestamps are resolved against the preview server and clock.
Pure functions over plain dicts: no Discord, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.dates import long_date

EPHEMERAL_FLAG = 1 << 6
SPOILER_OPEN, SPOILER_CLOSE = "⟦spoiler: ", "⟧"
EMBED_BAR = "┃ "

# Component types (https://discord.com/developers/docs/components/reference).
ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT = 5, 6, 7, 8
SECTION, TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE, SEPARATOR = 9, 10, 11, 12, 13, 14
CONTAINER, LABEL = 17, 18
LINK_BUTTON_STYLE = 5
_SELECT_KINDS = {
    USER_SELECT: "member",
    ROLE_SELECT: "role",
    MENTIONABLE_SELECT: "member or role",
    CHANNEL_SELECT: "channel",
}

_INLINE = re.compile(
    r"""
    (?P<escape>\\(?P<escaped>[^\w\s]))
    | \|\|(?P<spoiler>(?:\\.|[^\\|]|\|(?!\|))+?)\|\|
    | <t:(?P<unix>-?\d{1,13})(?::(?P<style>[tTdDfFR]))?>
    | <(?P<sigil>@!?|@&|\#)(?P<id>\d{1,20})>
    | </(?P<command>[\w\- ]{1,100}):\d{1,20}>
    | \[(?P<label>(?:\\.|[^\\\]])+)\]\(<?(?P<url>https?://(?:[^\s()<>]|\([^\s()<>]*\))+)>?\)
    | (?:\*\*(?P<bold>.+?)\*\*|__(?P<underline>.+?)__)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What the text refers to: the current instant (for relative times) and the names behind mentions."""

    now: datetime
    channels: Mapping[int, str] = field(default_factory=dict)
    roles: Mapping[int, str] = field(default_factory=dict)
    users: Mapping[int, str] = field(default_factory=dict)


# -- inline markdown ------------------------------------------------------------------------------


def render_inline(text: str, context: RenderContext) -> str:
    """Discord markdown as plain text: escapes undone, spoilers marked, mentions and times resolved."""

    def replace(match: re.Match[str]) -> str:
        if match.group("escape"):
            return match.group("escaped")
        if (body := match.group("spoiler")) is not None:
            return f"{SPOILER_OPEN}{render_inline(body, context)}{SPOILER_CLOSE}"
        if (unix := match.group("unix")) is not None:
            return format_timestamp(int(unix), match.group("style") or "f", context.now)
        if (sigil := match.group("sigil")) is not None:
            return _mention(sigil, int(match.group("id")), context)
        if (command := match.group("command")) is not None:
            return f"/{command}"
        if (label := match.group("label")) is not None:
            return f"{render_inline(label, context)} <{match.group('url')}>"
        # Bold or underlined: a terminal has neither, the words are what matter.
        return render_inline(match.group("bold") or match.group("underline"), context)

    return _INLINE.sub(replace, text)


def _mention(sigil: str, id: int, context: RenderContext) -> str:
    if sigil == "#":
        return f"#{context.channels.get(id, 'unknown-channel')}"
    if sigil == "@&":
        return f"@{context.roles.get(id, 'deleted-role')}"
    return f"@{context.users.get(id, 'unknown-user')}"


def format_timestamp(unix: int, style: str, now: datetime) -> str:
    """A `<t:unix:style>` as text. Discord shows each reader's own zone; a terminal preview uses UTC."""
    try:
        moment = datetime.fromtimestamp(unix, UTC)
    except (OverflowError, OSError, ValueError):
        return f"<t:{unix}:{style}>"  # Discord shows an invalid timestamp raw too
    day = long_date(moment)
    formats = {
        "t": f"{moment:%H:%M} UTC",
        "T": f"{moment:%H:%M:%S} UTC",
        "d": f"{moment:%Y-%m-%d}",
        "D": day,
        "f": f"{day} {moment:%H:%M} UTC",
        "F": f"{moment:%A}, {day} {moment:%H:%M} UTC",
    }
    if style == "R":
        return relative_time(moment - now)
    return formats.get(style, formats["f"])


def relative_time(delta: timedelta) -> str:
    """Discord's relative style ("in 3 days", "2 months ago"), with moment.js's rounding thresholds."""
    seconds = abs(delta.total_seconds())
    minutes, hours, days = seconds / 60, seconds / 3600, seconds / 86400
    if seconds < 45:
        text = "a few seconds"
    elif seconds < 90:
        text = "a minute"
    elif minutes < 45:
        text = f"{round(minutes)} minutes"
    elif minutes < 90:
        text = "an hour"
    elif hours < 22:
        text = f"{round(hours)} hours"
    elif hours < 36:
        text = "a day"
    elif days < 26:
        text = f"{round(days)} days"
    elif days < 46:
        text = "a month"
    elif days < 320:
        text = f"{round(days / 30.4375)} months"
    elif days < 548:
        text = "a year"
    else:
        text = f"{round(days / 365.25)} years"
    return f"in {text}" if delta.total_seconds() >= 0 else f"{text} ago"


# -- messages -------------------------------------------------------------------------------------


def is_private(message: Mapping[str, Any]) -> bool:
    return bool(int(message.get("flags") or 0) & EPHEMERAL_FLAG)


def render_message(message: Mapping[str, Any], context: RenderContext) -> list[str]:
    """The lines a member would read: content, each embed, then buttons and menus."""
    lines: list[str] = []
    content = message.get("content") or ""
    if content:
        lines.extend(render_inline(content, context).splitlines() or [""])
    for embed in message.get("embeds") or []:
        if lines:
            lines.append("")
        lines.extend(render_embed(embed, context))
    if poll := message.get("poll"):
        if lines:
            lines.append("")
        lines.extend(render_poll(poll, context))
    for attachment in message.get("attachments") or []:
        alt = attachment.get("description")
        what = "image" if str(attachment.get("content_type", "")).startswith("image/") else "file"
        lines.append(
            f"[{what} attached: {attachment.get('filename')}" + (f"; alt text: {alt}]" if alt else "]")
        )
    components = render_components(message.get("components") or [], context)
    if components:
        if lines:
            lines.append("")
        lines.extend(components)
    return lines or ["(an empty message)"]


def render_embed(embed: Mapping[str, Any], context: RenderContext) -> list[str]:
    body: list[str] = []

    def text(value: str) -> list[str]:
        return render_inline(value, context).splitlines() or [""]

    if author := (embed.get("author") or {}).get("name"):
        body.extend(text(author))
    if title := embed.get("title"):
        url = embed.get("url")
        body.extend(text(f"{title} <{url}>" if url else title))
    if description := embed.get("description"):
        if body:
            body.append("")
        body.extend(text(description))
    fields = embed.get("fields") or []
    if fields and body:
        body.append("")
    for item in fields:
        name = render_inline(item.get("name") or "", context).strip()
        value = text(item.get("value") or "")
        if len(value) == 1:
            body.append(f"{name}: {value[0]}" if name else value[0])
        else:
            body.append(f"{name}:")
            body.extend(f"  {line}" for line in value)
    for key, label in (("image", "image"), ("thumbnail", "thumbnail")):
        if (url := (embed.get(key) or {}).get("url")) and not url.startswith("attachment://"):
            body.append(f"[{label}: {url}]")  # an attached one is listed with the message's attachments
    footer = (embed.get("footer") or {}).get("text") or ""
    when = embed.get("timestamp")
    if footer or when:
        parts = [render_inline(footer, context)] if footer else []
        if when:
            parts.append(format_timestamp(int(datetime.fromisoformat(when).timestamp()), "f", context.now))
        body.append("")
        body.extend(f"— {line}" for line in " · ".join(parts).splitlines())
    return [f"{EMBED_BAR}{line}".rstrip() for line in body]


def render_poll(poll: Mapping[str, Any], context: RenderContext) -> list[str]:
    """A native poll: the question, each answer, and when it closes."""
    question = render_inline((poll.get("question") or {}).get("text") or "", context)
    lines = [f"📊 Poll: {question}"]
    for answer in poll.get("answers") or []:
        lines.append(f"    ○ {render_inline((answer.get('poll_media') or {}).get('text') or '', context)}")
    how = "several answers each" if poll.get("allow_multiselect") else "one answer each"
    if expiry := poll.get("expiry"):
        closes = relative_time(datetime.fromisoformat(expiry) - context.now)
        how += f", closes {closes}"
    lines.append(f"    ({how})")
    return lines


def render_components(components: Sequence[Mapping[str, Any]], context: RenderContext) -> list[str]:
    lines: list[str] = []
    for component in components:
        lines.extend(_component(component, context))
    return lines


def _component(component: Mapping[str, Any], context: RenderContext) -> list[str]:
    kind = component.get("type")
    if kind == ACTION_ROW:
        children = component.get("components") or []
        if children and all(child.get("type") == BUTTON for child in children):
            return ["  ".join(button_text(child) for child in children)]
        return render_components(children, context)
    if kind == BUTTON:
        return [button_text(component)]
    if kind == STRING_SELECT:
        return _string_select(component, context)
    if kind in _SELECT_KINDS:
        state = " (disabled)" if component.get("disabled") else ""
        placeholder = component.get("placeholder") or f"Pick a {_SELECT_KINDS[kind]}"
        return [f"▾ {render_inline(placeholder, context)} [{_SELECT_KINDS[kind]} menu]{state}"]
    if kind == TEXT_DISPLAY:
        return render_inline(component.get("content") or "", context).splitlines()
    if kind == SECTION:
        lines = render_components(component.get("components") or [], context)
        if accessory := component.get("accessory"):
            lines.extend(_component(accessory, context))
        return lines
    if kind == SEPARATOR:
        return ["───"]
    if kind == CONTAINER:
        inner = render_components(component.get("components") or [], context)
        return [f"{EMBED_BAR}{line}".rstrip() for line in inner]
    if kind in (THUMBNAIL, MEDIA_GALLERY, FILE):
        return ["[media]"] if kind != THUMBNAIL else []
    if kind == LABEL:
        label = render_inline(component.get("label") or "", context)
        inner = component.get("component")
        shown = [f"{label}:"]
        if description := component.get("description"):
            shown.append(f"  ({render_inline(description, context)})")
        return [*shown, *(f"  {line}" for line in (_component(inner, context) if inner else []))]
    if kind == TEXT_INPUT:
        required = "" if component.get("required", True) is False else ", required"
        label = component.get("label") or component.get("placeholder") or component.get("custom_id", "")
        return [f"✎ {label} (text input{required})"]
    return [f"[component type {kind}]"]


def button_text(button: Mapping[str, Any]) -> str:
    label = button.get("label") or ""
    emoji = (button.get("emoji") or {}).get("name") or ""
    text = " ".join(part for part in (emoji, label) if part) or "(no label)"
    if button.get("style") == LINK_BUTTON_STYLE and button.get("url"):
        text += f" ↗ {button['url']}"
    if button.get("disabled"):
        text += " (disabled)"
    return f"[ {text} ]"


def _string_select(select: Mapping[str, Any], context: RenderContext) -> list[str]:
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    how_many = f"pick {low}" if low == high else f"pick {low}-{high}"
    state = ", disabled" if select.get("disabled") else ""
    placeholder = render_inline(select.get("placeholder") or "Make a selection", context)
    lines = [f"▾ {placeholder} ({how_many}{state}):"]
    for option in select.get("options") or []:
        text = render_inline(option.get("label") or "", context)
        if description := option.get("description"):
            text += f" — {render_inline(description, context)}"
        if option.get("default"):
            text += " (selected)"
        lines.append(f"    • {text}")
    return lines


# -- other kinds of answer ------------------------------------------------------------------------


def render_choices(choices: Iterable[Mapping[str, Any]]) -> list[str]:
    """Autocomplete suggestions, as the client lists them (with the value sent, when it differs)."""
    lines = []
    for choice in choices:
        name, value = str(choice.get("name", "")), choice.get("value")
        lines.append(f"  {name}" if str(value) == name else f"  {name}  (sends {value!r})")
    return lines or ["  (no suggestions)"]


def render_modal(data: Mapping[str, Any], context: RenderContext) -> list[str]:
    title = render_inline(data.get("title") or "", context)
    return [
        f"Form: {title}",
        *(f"  {line}" for line in render_components(data.get("components") or [], context)),
    ]
