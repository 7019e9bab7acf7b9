"""Native polls: Discord's rules for a poll a bot sends, and the poll object a message then carries.

The OpenAPI document checks the shape of a `poll` (PollCreateRequest: 1-10 answers, 1-768 hours); Discord
also refuses what the document leaves out: an answer's text over 55 characters, an empty question or
answer. `poll_problems` reports those (the emulator adds them to `validation_errors`, with or without the
document), and `poll_response` is the message's poll as Discord returns it (PollResponse).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .models import iso

QUESTION_LIMIT = 300
ANSWER_LIMIT = 55
MAX_ANSWERS = 10
MAX_HOURS = 768  # 32 days
DEFAULT_HOURS = 24


def poll_problems(poll: Any) -> list[str]:
    """Why Discord would refuse this poll; [] when it would accept it."""
    if not isinstance(poll, dict):
        return ["poll: not an object"]
    problems: list[str] = []
    question = (poll.get("question") or {}).get("text")
    if not isinstance(question, str) or not 1 <= len(question) <= QUESTION_LIMIT:
        problems.append(f"poll/question/text: 1-{QUESTION_LIMIT} characters required")
    answers = poll.get("answers")
    if not isinstance(answers, list) or not 1 <= len(answers) <= MAX_ANSWERS:
        problems.append(f"poll/answers: 1-{MAX_ANSWERS} answers required")
        answers = []
    for index, answer in enumerate(answers):
        text = ((answer or {}).get("poll_media") or {}).get("text") if isinstance(answer, dict) else None
        if not isinstance(text, str) or not 1 <= len(text) <= ANSWER_LIMIT:
            problems.append(f"poll/answers/{index}/poll_media/text: 1-{ANSWER_LIMIT} characters required")
    hours = poll.get("duration", DEFAULT_HOURS)
    if hours is not None and (isinstance(hours, bool) or not isinstance(hours, int | float) or hours % 1):
        problems.append("poll/duration: a whole number of hours")
    elif hours is not None and not 1 <= hours <= MAX_HOURS:
        problems.append(f"poll/duration: 1-{MAX_HOURS} hours")
    return problems


def poll_in(body: Any) -> Any:
    """The poll of a message body or of an interaction callback's data, if it has one."""
    if not isinstance(body, dict):
        return None
    if "poll" in body:
        return body["poll"]
    data = body.get("data")
    return data.get("poll") if isinstance(data, dict) else None


def poll_response(poll: dict[str, Any], created: datetime) -> dict[str, Any]:
    """The poll a new message carries: answers numbered from 1, closing `duration` hours after `created`."""
    hours = poll.get("duration") or DEFAULT_HOURS
    expiry = created + timedelta(hours=float(hours))
    return {
        "question": {"text": (poll.get("question") or {}).get("text") or ""},
        "answers": [
            {"answer_id": number, "poll_media": {"text": (answer.get("poll_media") or {}).get("text") or ""}}
            for number, answer in enumerate(poll.get("answers") or [], start=1)
        ],
        "expiry": iso(expiry),
        "allow_multiselect": bool(poll.get("allow_multiselect")),
        "layout_type": poll.get("layout_type") or 1,
        "results": {"answer_counts": [], "is_finalized": False},
    }
