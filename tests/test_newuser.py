"""Findings of a newcomer who tried every command on a fresh clone, through the console community."""

from __future__ import annotations

from datetime import date

from cogs.crisis.resources import load_directory
from tests.harness import saved_file

# --- 1. a moderator never sees concern reports about themselves --------------------------------


async def test_a_moderator_does_not_see_reports_about_themselves(community):
    await community.text(
        ":role alice moderator",
        "/community channel purpose:alerts channel:#alerts",
        ":role dan moderator",
        ":as carol",
        '/crisis concern member:alice note:"still worried"',
    )
    mine = await community.text(":as alice", "/crisis concerns")
    assert "still worried" not in mine
    assert "carol" not in mine
    theirs = await community.text(":as dan", "/crisis concerns")
    assert "carol about alice" in theirs


async def test_a_report_about_a_moderator_without_alerts_channel_never_reaches_them(community):
    await community.text(
        ":role alice moderator",
        ":role dan moderator",
        ":as carol",
        '/crisis concern member:alice note:"still worried"',
    )
    out = await community.text(
        ":as alice", "/crisis concerns", "/community channel purpose:alerts channel:#alerts"
    )
    assert "still worried" not in out
    assert "carol" not in out
    assert "carol about alice" in await community.text(":as dan", "/crisis concerns")


# --- 4, 5. public features never post in the alerts channel -----------------------------------


async def test_public_purposes_are_refused_the_alerts_channel(community):
    await community.text(
        ":role alice moderator", "/community channel purpose:alerts channel:#alerts"
    )
    for purpose in ("checkins", "milestones", "prompts", "welcome"):
        out = await community.text(f"/community channel purpose:{purpose} channel:#alerts")
        assert "stays for alerts only" in out
    out = await community.text("/checkin 4 share:yes")
    assert "#alerts:" not in out


async def test_a_prompt_is_refused_the_alerts_channel(community):
    await community.text(
        ":role alice moderator",
        "/community channel purpose:alerts channel:#alerts",
        ":role bob facilitator",
        ":as bob",
    )
    out = await community.text(
        '/prompt add text:"hello mods" schedule:"daily 09:00" channel:#alerts'
    )
    assert "Nothing was scheduled" in out and "alerts only" in out
    assert "No prompts yet" in await community.text("/prompt list")
    assert "#alerts: hello mods" not in await community.text(":clock +1d")


async def test_a_prompt_whose_channel_becomes_the_alerts_channel_is_not_posted_there(community):
    await community.text(
        ":role alice moderator",
        ":channel mods moderators",
        '/prompt add text:"hello all" schedule:"daily 13:00" channel:#mods',
        "/community channel purpose:alerts channel:#mods",
    )
    assert "#mods: hello all" not in await community.text(":clock +2h")


# --- 3. a line the moderators checked reaches members; other regions' lines are refused ------


async def ireland(community):
    await community.say(":role alice moderator", "/community region code:IE")


async def test_a_checked_line_is_shown_to_members(community):
    await ireland(community)
    await community.say("/crisis resource confirm id:ie-pieta")
    out = await community.text(":as bob", "/crisis")
    assert "• Pieta — call 1800 247 247" in out
    assert "(checked by this community's moderators on 2026-11-02)" in out
    assert "• Samaritans — call 116 123" in out  # the verified line stays


def test_an_overdose_line_still_leads_when_another_line_was_checked():
    region = load_directory().for_region("IE").with_checks({"ie-pieta": date(2026, 11, 2)})
    top = region.top(3, overdose=True)
    assert top[0].kind == "overdose/poison" and top[1].id == "ie-pieta"


async def test_a_line_of_another_region_is_not_confirmed(community):
    await ireland(community)
    out = await community.text("/crisis resource confirm id:gb-samaritans")
    assert "I didn't record anything" in out and "region is IE" in out
    assert await community.bot.db.fetchall("SELECT * FROM crisis_directory_checks") == []


# --- 2. a member's report stays listed until a later check -------------------------------------


async def test_a_report_after_a_check_the_same_day_stays_listed_until_the_next_check(community):
    await ireland(community)
    await community.say("/crisis resource confirm id:ie-pieta", ":clock +1h")
    await community.say(":as bob", '/crisis resource report id:Pieta note:"no answer at 10pm"')
    listed = await community.text(":as alice", "/crisis resource list")
    assert "Members' reports of a wrong number" in listed
    assert "ie-pieta 2026-11-02: no answer at 10pm" in listed
    await community.say(":clock +1h", "/crisis resource confirm id:ie-pieta")
    assert "no answer at 10pm" not in await community.text("/crisis resource list")


# --- 13. a config without platforms ------------------------------------------------------------


def test_check_config_and_run_refuse_a_config_without_platforms(tmp_path):
    from tests.test_core_config_cli import run_cli

    path = tmp_path / "config.toml"
    path.write_text("")
    checked = run_cli("check-config", str(path))
    assert checked.returncode == 1 and "no platform is configured" in checked.stderr
    ran = run_cli("run", "--config", str(path), cwd=tmp_path)
    assert ran.returncode == 2 and "no platform is configured" in ran.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


# --- 12. a backup needs no platform secrets ----------------------------------------------------


def test_a_backup_by_config_needs_no_platform_secrets(tmp_path):
    from tests.test_core_config_cli import EXAMPLE, PLATFORM_SECRETS, run_cli

    assert run_cli("console", "--db", str(tmp_path / "m.db"), stdin="/help\n").returncode == 0
    config = tmp_path / "config.toml"
    text = EXAMPLE.read_text().replace(
        'database = "peerbot.db"', f'database = "{tmp_path / "m.db"}"'
    )
    assert str(tmp_path / "m.db") in text
    config.write_text(text)
    result = run_cli(
        "db", "backup", "--config", str(config), str(tmp_path / "bk.db"), unset=PLATFORM_SECRETS
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bk.db").exists()


# --- 8, 9. the console's database must be a peerbot database file ----------------------------


def test_console_refuses_a_directory_as_its_database(tmp_path):
    from tests.test_core_config_cli import run_cli

    result = run_cli("console", "--db", str(tmp_path), stdin="/help\n")
    assert result.returncode == 2 and "is a directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_console_refuses_another_programs_sqlite_file_and_leaves_it_alone(tmp_path):
    import sqlite3

    from tests.test_core_config_cli import run_cli

    path = tmp_path / "plain.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    path.chmod(0o644)
    result = run_cli("console", "--db", str(path), stdin="/help\n")
    assert result.returncode == 1 and "another program" in result.stderr
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
    conn.close()
    assert tables == ["notes"]
    assert path.stat().st_mode & 0o777 == 0o644


# --- 10. a backup into a missing directory ------------------------------------------------------


def test_a_backup_into_a_missing_directory_is_refused(tmp_path):
    from tests.test_core_config_cli import run_cli

    db = tmp_path / "m.db"
    assert run_cli("console", "--db", str(db), stdin="/help\n").returncode == 0
    target = tmp_path / "nonexistent" / "dir" / "bk.db"
    result = run_cli("db", "backup", "--db", str(db), str(target))
    assert result.returncode == 1 and "does not exist; create it first" in result.stderr
    assert not (tmp_path / "nonexistent").exists()


# --- 15. a command group typed alone ------------------------------------------------------------


async def test_a_group_alone_lists_its_commands(community):
    out = await community.text("/milestone")
    assert "I don't know the command" not in out
    assert "!milestone set — Start (or correct) a recovery counter" in out
    assert "!milestone show" in out
    out = await community.text("/mydata")
    assert "!mydata export" in out and "!mydata delete" in out


async def test_a_group_alone_shows_a_member_no_moderators_commands(community):
    out = await community.text("/community")
    assert "for moderators" in out and "community show" not in out
    out = await community.text(":role alice moderator", "/community")
    assert "!community show" in out


# --- 16. a value with a space typed without quotes ---------------------------------------------


async def test_a_value_with_a_space_without_quotes_is_explained(community):
    out = await community.text("/timezone set zone:America/New York")
    assert 'put it in quotes: zone:"America/New York"' in out
    out = await community.text("/checkin 3 mood:4")
    assert "Mood is given twice ('4' and '3')." in out and "quotes" not in out


# --- 22. closing an alert without being a responder ----------------------------------------------


async def test_a_member_closing_an_alert_hears_they_may_not_before_the_outcome(community):
    await community.say(
        ":role alice moderator",
        "/community channel purpose:alerts channel:#alerts",
        ":as bob",
        "/crisis notify",
        ":as carol",
    )
    out = await community.text("/alert close 1")
    assert "Only moderators and responders can close alerts." in out
    assert "Outcome is missing" not in out
    out = await community.text(":as alice", "/alert close 1")
    assert "Please say what happened" in out and "outcome:reached-them" in out
    assert "Closed alert #1: false alarm" in await community.text("/alert close 1 false-alarm")


# --- 20. escalation times that can't be kept are explained ---------------------------------------


async def test_private_messages_set_before_the_repost_are_explained(community):
    out = await community.text(":role alice moderator", "/alert settings repost:2h dm:1h")
    assert "after 120 minutes every moderator gets a private message" in out
    assert "set for 60 minutes" in out and "never come before the re-post" in out
    out = await community.text("/alert settings repost:10m dm:30m")
    assert "never come before" not in out


# --- 23. :edit with nothing to edit ------------------------------------------------------------


async def test_edit_with_no_earlier_message_says_there_is_nothing_to_edit(community):
    out = await community.text(":edit hello")
    assert "there's no message of yours to edit here" in out
    assert "usage: :edit" in await community.text(":edit")
    await community.say("hello everyone")
    assert "you edited your last message" in await community.text(":edit hello all")


# --- 18. the count after several check-ins in one day ------------------------------------------


async def test_several_check_ins_in_a_day_count_as_one_check_in_day(community):
    out = await community.text(*["/checkin 3"] * 9)
    assert "9 check-ins" not in out and "1 check-in in" not in out
    assert out.count("1 check-in day in the last 14 days.") == 9


# --- 25. timezones in any case; a clock time that doesn't exist; export file names ---------------


async def test_a_timezone_is_accepted_in_any_case(community):
    out = await community.text("/timezone set zone:europe/london")
    assert "Your timezone is now Europe/London" in out
    out = await community.text("/timezone set zone:AMERICA/NEW_YORK")
    assert "Your timezone is now America/New_York" in out


async def test_a_start_time_the_clocks_skipped_says_how_it_was_counted(community):
    await community.say("/timezone set zone:Europe/London")
    out = await community.text("/milestone set 2026-03-29 time:01:30")
    assert "began on 2026-03-29 at 01:30 (the clocks skipped 01:30 that day" in out
    assert "so I count from 02:00)" in out
    out = await community.text("/milestone set 2026-03-29 time:03:30")
    assert "began on 2026-03-29 at 03:30." in out and "skipped" not in out


async def test_two_exports_never_overwrite_each_other(community):
    await community.say('/safetyplan edit section:people text:"Jo"')
    here = await community.text("/mydata export")
    everywhere = await community.text("/mydata export scope:everywhere")
    again = await community.text("/mydata export")
    paths = [str(saved_file(out)) for out in (here, everywhere, again)]
    assert len(set(paths)) == 3
    assert "-here-" in paths[0] and "-everywhere-" in paths[1]


# --- 4. asking twice without an alerts channel gets the same honest answer -------------------


async def test_asking_again_without_alerts_channel_says_the_moderators_were_written_to(community):
    await community.say(":role alice moderator", ":as carol")
    first = await community.text("/crisis notify")
    assert "I've written to the moderators privately" in first
    again = await community.text("/crisis notify")
    assert "written to the moderators privately" in again and "kept" in again
    assert "couldn't reach" not in again


async def test_the_only_moderator_asking_is_not_told_the_moderators_were_written_to(community):
    out = await community.text(":role alice moderator", "/crisis notify")
    assert "written to the moderators" not in out
    assert "couldn't reach the moderators" in out
    assert "couldn't reach the moderators" in await community.text("/crisis notify")


# --- 5. automatic crisis replies put this community's checked lines first, like /crisis ------

URGENT = "I want to end my life tonight, I have the pills ready"
CHECKED = "• Pieta — call 1800 247 247, text HELP to 51444 (checked by this community's"


async def test_the_automatic_reply_to_chat_shows_the_checked_line(community):
    await ireland(community)
    await community.say("/crisis resource confirm id:ie-pieta")
    out = await community.text(":as bob", URGENT)
    assert CHECKED in out


async def test_the_reply_to_a_private_note_shows_the_checked_line(community):
    await ireland(community)
    await community.say("/crisis resource confirm id:ie-pieta")
    out = await community.text(":as bob", '/checkin 2 note:"I want to end my life tonight"')
    assert "I've saved your check-in" in out and CHECKED in out


# --- 6. a moderator never sees alerts about themselves in /crisis concerns -------------------


async def test_a_moderator_does_not_see_alerts_about_themselves(community):
    await community.say(
        ":role alice moderator",
        "/community channel purpose:alerts channel:#alerts",
        ":role dan moderator",
        ":as bob",
        URGENT,
        ":as alice",
        URGENT,
    )
    mine = await community.text("/crisis concerns")
    assert "Alert #1 " in mine and "Alert #2 " not in mine
    theirs = await community.text(":as dan", "/crisis concerns")
    assert "Alert #1 " in theirs and "Alert #2 " in theirs
