""" "Something wrong?" end to end: the button under every fact answer, the form, the private answers, what is
stored (real SQLite), the limit of 5 a day, and whatever a client sends, stale or hostile."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import bot.app.reports
from bot.domain.dates import PartialDate
from bot.domain.errors import StorageError
from bot.domain.reports import EntryRef, Report
from bot.render.reports import EMPTY_TEXT, GONE_TEXT
from discord_emulator import DiscordEmulator, Guild, InteractionResult, User
from discord_emulator.interactions import BUTTON, MESSAGE_COMPONENT, MODAL_SUBMIT
from tests.clock import FakeClock
from tests.conftest import StartBot
from tests.datasets import dataset_with

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
THANKS = "Thanks, a maintainer will look at your report about **{}**. Only they see it."
NASTY = (
    "@everyone @here <@123456789012345678> <@&1187654321098765432> **bold** ||spoiler|| `code` "
    "[link](https://example.org) \x1b[31m red \u202eevil\u202c\n> quote\n# heading"
)
EXTRA_CHARACTER = """
[[characters]]
id = "zed-testfan"
name = "Zed Testfan"
actor = "Test Actor"
role = "A fan made up for this test."
role_reveals = "S1"
group = "guest"
seasons = [1]
sources = ["https://example.org/zed"]
"""


def report_button(result: InteractionResult) -> str:
    [custom_id] = [c for c in result.custom_ids() if c.startswith("fx:report:")]
    return custom_id


async def open_form(emulator: DiscordEmulator, result: InteractionResult, user: User) -> InteractionResult:
    form = await emulator.click(result, report_button(result), user=user)
    assert form.type == 9, form.content
    return form


def private_and_silent(result: InteractionResult) -> None:
    """Answered privately, mentioning no one."""
    assert result.type == 4 and result.ephemeral
    assert result.data["allowed_mentions"] == {"parse": []}


# -- the button ------------------------------------------------------------------------------------


async def test_every_fact_answer_carries_the_button(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    fandex = await start_bot(clock=FakeClock(NOW))
    catalog = fandex.catalog
    answers: dict[str, InteractionResult] = {}
    for production in catalog.production_order:
        answers[f"production:{production.id}"] = await emulator.slash(
            guild, fan, "plot", season=production.id
        )
    for work in catalog.dataset.works:
        answers[f"work:{work.id}"] = await emulator.slash(guild, fan, "volume", book=work.id)
    for character in catalog.dataset.characters:
        answers[f"character:{character.id}"] = await emulator.slash(
            guild, fan, "cast lookup", name=character.id
        )
    for event in catalog.events:
        answers[f"event:{event.key.removeprefix('ds:')}"] = await emulator.slash(
            guild, fan, "countdown", event=event.key
        )
    for topic in catalog.faq:
        answers[f"faq:{topic.key}"] = await emulator.slash(guild, fan, "faq", question=topic.key)
    assert {entry: report_button(result) for entry, result in answers.items()} == {
        entry: f"fx:report:{entry}" for entry in answers
    }
    episode = await emulator.slash(guild, fan, "plot", season="1", episode=4)
    assert report_button(episode) == "fx:report:production:season-1"
    upcoming = await emulator.slash(guild, fan, "countdown")
    assert report_button(upcoming).startswith("fx:report:event:")
    # "All sources" stays first when an answer has more sources than it shows.
    assert answers["production:season-1"].custom_ids() == [
        "fx:sources:production:season-1",
        "fx:report:production:season-1",
    ]


async def test_a_picked_cast_member_gets_the_button_and_a_server_event_none(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    fandex = await start_bot(clock=FakeClock(NOW))
    menu = await emulator.slash(guild, fan, "cast lookup", name="Nelson")
    assert not [c for c in menu.custom_ids() if c.startswith("fx:report:")]  # a menu is no fact answer
    [select] = [c for c in menu.custom_ids() if c.startswith("cast lookup:pick")]
    picked = await emulator.select(menu, select, ["sarah-nelson"], user=fan)
    assert picked.type == 7 and report_button(picked) == "fx:report:character:sarah-nelson"
    form = await open_form(emulator, picked, fan)
    assert form.data["title"] == "Report a fact about Sarah Nelson"

    await fandex.server_events.add(
        guild.id, name="Watch party", date=PartialDate.parse("2026-12-24"), created_by=1, zone=ZoneInfo("UTC")
    )
    party = await emulator.slash(guild, fan, "countdown", event="Watch party")
    # The server's own event is its moderators' to fix: no report button, only Remind me.
    assert party.embeds and [c for c in party.custom_ids() if not c.startswith("fx:remind:")] == []


# -- a report ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "options", "entry"),
    [
        ("plot", {"season": "2"}, EntryRef("production", "season-2")),
        ("volume", {"book": "Solitaire"}, EntryRef("work", "solitaire")),
        ("countdown", {"event": "film"}, EntryRef("event", "film-premiere")),
        ("faq", {"question": "directors"}, EntryRef("faq", "directors")),
    ],
)
async def test_a_report_on_every_kind_of_answer_is_stored(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    fan: User,
    command: str,
    options: dict[str, str],
    entry: EntryRef,
) -> None:
    fandex = await start_bot(clock=FakeClock(NOW))
    answer = await emulator.slash(guild, fan, command, **options)
    done = await emulator.submit_modal(await open_form(emulator, answer, fan), {"report": "A date is wrong."})
    private_and_silent(done)
    [report] = await fandex.reports.newest(10)
    assert report.entry == entry and report.text == "A date is wrong."


async def test_a_report_is_stored_with_its_entry_place_and_time_and_answered_privately(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    fandex = await start_bot(clock=FakeClock(NOW))
    answer = await emulator.slash(guild, fan, "cast lookup", name="Kit Connor")
    form = await open_form(emulator, answer, fan)
    [field] = form.data["components"]
    assert form.data["title"] == "Report a fact about Nick Nelson"
    assert field["type"] == 18 and field["label"] == "What is wrong or missing?"
    text_input = field["component"]
    assert text_input["style"] == 2 and text_input["required"] and text_input["max_length"] == 2000

    done = await emulator.submit_modal(form, {"report": NASTY})
    private_and_silent(done)
    assert done.content == THANKS.format("Nick Nelson")
    assert done.elapsed < 3
    [report] = await fandex.reports.newest(10)
    assert report == Report(
        id=report.id,
        entry=EntryRef("character", "nick-nelson"),
        entry_title="Nick Nelson",
        guild_id=guild.id,
        channel_id=guild.general.id,
        user_id=fan.id,
        created_at=NOW,
        text=NASTY,
    )
    # Nothing the fan wrote went anywhere in Discord: the only public message is the answer itself.
    assert [m["id"] for m in emulator.messages_in(guild.general.id)] == [answer.message["id"]]
    assert not any("evil" in str(posted.message) for posted in emulator.bot_messages)


async def test_a_report_from_a_direct_message_has_no_server(
    emulator: DiscordEmulator, start_bot: StartBot, fan: User
) -> None:
    fandex = await start_bot(clock=FakeClock(NOW))
    answer = await emulator.slash_dm(fan, "volume", book="1")
    done = await emulator.submit_modal(await open_form(emulator, answer, fan), {"report": "US date?"})
    private_and_silent(done)
    [report] = await fandex.reports.newest(10)
    assert (report.entry, report.guild_id) == (EntryRef("work", "volume-1"), None)
    assert report.channel_id == emulator.dm_channel(fan).id


async def test_five_a_day_then_a_private_refusal_before_the_form_and_at_submit(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    clock = FakeClock(NOW)
    fandex = await start_bot(clock=clock)
    answer = await emulator.slash(guild, fan, "plot", season="2")
    for number in range(4):
        clock.advance(minutes=10)
        done = await emulator.submit_modal(await open_form(emulator, answer, fan), {"report": f"#{number}"})
        assert done.content.startswith("Thanks")
    # Two forms opened while one report was left: the first submitted is stored, the second refused.
    first, second = await open_form(emulator, answer, fan), await open_form(emulator, answer, fan)
    assert (await emulator.submit_modal(first, {"report": "fifth"})).content.startswith("Thanks")
    late = await emulator.submit_modal(second, {"report": "sixth"})
    private_and_silent(late)
    retry_at = int((NOW + timedelta(minutes=10) + timedelta(hours=24)).timestamp())
    assert late.content == (
        "Your report was not stored: you have sent 5 reports in the last 24 hours, the most one person "
        f"can send. You can send another <t:{retry_at}:R>."
    )
    refused = await emulator.click(answer, report_button(answer), user=fan)
    private_and_silent(refused)  # no form at all
    assert refused.content.startswith("You have sent 5 reports in the last 24 hours")
    assert len(await fandex.reports.newest(10)) == 5

    other = emulator.add_user("elle")
    assert (await open_form(emulator, answer, other)).type == 9  # the limit is per person
    clock.advance(hours=24)  # a rolling day: the first report is now 24 hours old
    assert (await open_form(emulator, answer, fan)).type == 9


@pytest.mark.parametrize("text", ["", " ", "\t\n  \n", "\u200b\u200b", "\u202e"])
async def test_an_empty_report_stores_nothing(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, text: str
) -> None:
    fandex = await start_bot(clock=FakeClock(NOW))
    answer = await emulator.slash(guild, fan, "plot", season="1")
    done = await emulator.submit_modal(
        await open_form(emulator, answer, fan), {"report": text}, _unchecked=True
    )
    private_and_silent(done)
    assert done.content == EMPTY_TEXT
    assert await fandex.reports.newest(10) == []


async def test_the_form_takes_anything_a_client_can_send(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild
) -> None:
    fandex = await start_bot(clock=FakeClock(NOW))
    sent = {
        "full": "f" * 2000,
        "long": "l" * 4000,  # more than the form allows: a hostile client
        "nasty": NASTY,
        "emoji": "🏳️‍🌈🫶🏽💙" * 250,
        "sql": "'; DROP TABLE reports; --",
        "format": "%s %d %(x)s {0} {}",
        "controls": "\x00\x01\x07\x1b[31m\x7f ok",
        "surrogate": "half \ud83d a pair",
    }
    users = {}
    for name, text in sent.items():
        user = users[name] = emulator.add_user(name)  # one each: the daily limit is not under test here
        answer = await emulator.slash(guild, user, "volume", book="6")
        form = await open_form(emulator, answer, user)
        done = await emulator.submit_modal(form, {"report": text}, _unchecked=True)
        private_and_silent(done)
        assert done.content.startswith(THANKS.format("Heartstopper: Volume 6")), name
        assert ("first 2,000 characters were kept" in done.content) == (name == "long")
        assert not {"ffff", "llll", "DROP", "evil", "%s", "half", "🫶"} & set(done.content.split()), name
    kept = {report.user_id: report.text for report in await fandex.reports.newest(100)}
    assert {name: kept[user.id] for name, user in users.items()} == sent | {
        "long": "l" * 1999 + "…",  # cut to 2,000 characters, and the fan was told
        "controls": "\x01\x07\x1b[31m\x7f ok",  # SQLite text holds no NUL
        "surrogate": "half \ufffd a pair",  # nor half a UTF-16 pair
    }


async def test_a_hostile_value_is_taken_as_empty(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    fandex = await start_bot(clock=FakeClock(NOW))
    answer = await emulator.slash(guild, fan, "plot", season="1")
    form = await open_form(emulator, answer, fan)
    data = {
        "custom_id": form.data["custom_id"],
        "components": [
            {"type": 18, "id": 1, "component": {"type": 4, "id": 2, "custom_id": "report", "value": 42}}
        ],
    }
    done = await emulator.dispatch_interaction(guild, fan, MODAL_SUBMIT, data, message=answer.message)
    private_and_silent(done)
    assert done.content == EMPTY_TEXT
    assert await fandex.reports.newest(10) == []


# -- stale buttons and forms -------------------------------------------------------------------------


async def test_a_form_from_before_a_restart_or_timed_out_is_still_stored(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    fan: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await start_bot(clock=FakeClock(NOW))
    answer = await emulator.slash(guild, fan, "plot", season="film")
    form = await open_form(emulator, answer, fan)
    fandex = await start_bot(clock=FakeClock(NOW))  # the live form was in the old process
    done = await emulator.submit_modal(form, {"report": "after a restart"})
    private_and_silent(done)
    assert done.content == THANKS.format("Heartstopper Forever")
    # The button from before the restart opens a form too.
    monkeypatch.setattr(bot.app.reports, "FORM_TIMEOUT", 0.2)
    again = await open_form(emulator, answer, fan)
    await asyncio.sleep(0.5)  # the live form timed out meanwhile
    assert (await emulator.submit_modal(again, {"report": "slow typist"})).content.startswith("Thanks")
    assert [r.text for r in await fandex.reports.newest(10)] == ["slow typist", "after a restart"]


async def test_two_fans_reporting_one_entry_at_once_each_get_their_own(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    fandex = await start_bot(clock=FakeClock(NOW))
    other = emulator.add_user("elle")
    answer = await emulator.slash(guild, fan, "cast lookup", name="Tao")
    forms = [await open_form(emulator, answer, fan), await open_form(emulator, answer, other)]
    assert forms[0].data["custom_id"] != forms[1].data["custom_id"]
    done = await asyncio.gather(
        emulator.submit_modal(forms[1], {"report": "from elle"}),
        emulator.submit_modal(forms[0], {"report": "from tao"}),
    )
    assert all(result.content.startswith("Thanks") for result in done)
    by_user = {r.user_id: r.text for r in await fandex.reports.newest(10)}
    assert by_user == {fan.id: "from tao", other.id: "from elle"}


async def test_an_entry_no_longer_in_the_dataset_gets_a_clear_private_answer(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    dataset = dataset_with(tmp_path / "dataset.toml", EXTRA_CHARACTER)
    fandex = await start_bot(clock=FakeClock(NOW), dataset_path=dataset)
    answer = await emulator.slash(guild, fan, "cast lookup", name="Zed Testfan")
    assert report_button(answer) == "fx:report:character:zed-testfan"
    form = await open_form(emulator, answer, fan)
    dataset_with(dataset)  # the entry is removed and the dataset reloaded (SIGHUP)
    assert await fandex.reload_dataset()

    clicked = await emulator.click(answer, report_button(answer), user=fan)
    private_and_silent(clicked)
    assert clicked.content == GONE_TEXT
    done = await emulator.submit_modal(form, {"report": "too late"})
    private_and_silent(done)
    assert done.content == f"Your report was not stored. {GONE_TEXT}"
    assert await fandex.reports.newest(10) == []

    # A client that makes up custom_ids: a button the message does not have, a malformed form.
    made_up = {"custom_id": "fx:report:character:no-such-person", "component_type": BUTTON}
    clicked = await emulator.dispatch_interaction(
        guild, fan, MESSAGE_COMPONENT, made_up, message=answer.message
    )
    assert clicked.ephemeral and clicked.content == "This menu has expired: run the command again."
    bad_form = {"custom_id": "fx:report-form:character:Nick!:zz", "components": []}
    submitted = await emulator.dispatch_interaction(guild, fan, MODAL_SUBMIT, bad_form)
    assert submitted.ephemeral and submitted.content == "This form has expired: run the command again."


async def test_a_failure_while_storing_is_answered_privately(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    fan: User,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fandex = await start_bot(clock=FakeClock(NOW))
    answer = await emulator.slash(guild, fan, "plot", season="3")
    form = await open_form(emulator, answer, fan)

    async def broken(*args: object, **kwargs: object) -> None:
        raise StorageError("Nothing was changed: the settings database is busy right now.")

    monkeypatch.setattr(fandex.reports, "add", broken)
    busy = await emulator.submit_modal(form, {"report": "one"})
    private_and_silent(busy)
    assert busy.content == "Nothing was changed: the settings database is busy right now."

    async def bug(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    fandex = await start_bot(clock=FakeClock(NOW))  # the stale-form path answers the same way
    monkeypatch.setattr(fandex.reports, "add", bug)
    failed = await emulator.submit_modal(form, {"report": "two"})
    private_and_silent(failed)
    assert failed.content.startswith("Something went wrong on our side.") and "ref `" in failed.content
    assert "Unhandled error in a report form" in caplog.text


async def test_the_form_and_its_replies_are_in_the_fans_language(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot(clock=FakeClock(NOW))
    answer = await emulator.slash(guild, fan, "cast lookup", name="Kit Connor")  # public: the server's
    fan.locale = "de"
    form = await open_form(emulator, answer, fan)
    [field] = form.data["components"]
    assert form.data["title"] == "Fakt melden: Nick Nelson"
    assert field["label"] == "Was ist falsch oder fehlt?"
    assert field["component"]["placeholder"].startswith("z. B.: Folge 4 von Staffel 1")
    done = await emulator.submit_modal(form, {"report": "A date is wrong."})
    private_and_silent(done)
    assert done.content.startswith("Danke! Jemand aus dem Team schaut sich deine Meldung zu **Nick Nelson**")
    fan.locale = "en-GB"  # English reads word for word as before
    done = await emulator.submit_modal(await open_form(emulator, answer, fan), {"report": "Another."})
    assert done.content == THANKS.format("Nick Nelson")
