"""Moderators verify the crisis directory for their region; members report a wrong number.

End to end in the console community: /crisis resource list, confirm and report, what members
then see in /crisis, what the operator's log gets, and /mydata export and delete.
"""

from __future__ import annotations

import logging

import pytest

TABLES = ("crisis_directory_checks", "crisis_directory_reports")


@pytest.fixture
async def mod(community):
    """alice moderates a community in Ireland; bob is a member."""
    await community.say(
        ":role alice moderator",
        "/community channel purpose:alerts channel:#alerts",
        "/community region code:IE",
        ":as bob",
        ":as alice",
    )
    return community


async def test_list_shows_the_regions_entries_waiting_for_a_check_with_ids(mod):
    out = await mod.text("/crisis resource list")
    assert "no resources of its own yet" in out
    assert "Directory lines for Ireland (IE) waiting for a check" in out
    assert "• ie-pieta: Pieta — call 1800 247 247" in out
    assert "• ie-poisons: Public Poisons Information Line" in out
    assert "source https://www.pieta.ie" in out
    assert "ie-samaritans:" not in out  # verified live: nothing to check
    assert "pt-1411" not in out  # another region


async def test_list_asks_for_a_region_when_the_community_has_none(community):
    await community.say(":role alice moderator")
    out = await community.text("/crisis resource list")
    assert "set this community's region" in out and "community region code:GB" in out


async def test_confirm_is_shown_to_members_in_crisis_and_survives_a_restart(mod):
    out = await mod.text("/crisis resource confirm id:IE-Text-50808")
    assert "Recorded: ie-text-50808 checked by a moderator of this community on 2026-11-02" in out
    await mod.restart()
    out = await mod.text(":as bob", "/crisis")
    assert "• Text 50808 — text 50808 (checked by this community's moderators on 2026-11-02)" in out
    listed = await mod.text(":as alice", "/crisis resource list")
    assert "• ie-text-50808" not in listed
    assert "Checked by this community's moderators: ie-text-50808 on 2026-11-02" in listed
    assert (await mod.rows("crisis_directory_checks"))[0][:3] == (
        "console",
        "console",
        "ie-text-50808",
    )


async def test_a_check_lapses_when_the_entrys_number_changes(mod):
    await mod.say("/crisis resource confirm id:ie-text-50808")
    await mod.bot.db.execute("UPDATE crisis_directory_checks SET fingerprint='text:50808:HELLO'")
    assert "checked by this community" not in await mod.text(":as bob", "/crisis")
    assert "• ie-text-50808" in await mod.text(":as alice", "/crisis resource list")


async def test_only_moderators_list_and_confirm(mod):
    assert "Only moderators" in await mod.text(":as bob", "/crisis resource confirm id:ie-pieta")
    assert "Only moderators" in await mod.text("/crisis resource list")
    assert await mod.rows("crisis_directory_checks") == []


async def test_a_member_reports_a_wrong_number_moderators_and_the_operator_see_it(mod, caplog):
    caplog.set_level(logging.WARNING)
    out = await mod.text(
        ":as bob", '/crisis resource report id:ie-text-50808 note:"HELLO got no answer"'
    )
    assert "(private) bob: Thank you for telling me" in out
    assert "without your name" in out and "please call 112" in out
    warning = [r.getMessage() for r in caplog.records if "reported as wrong" in r.getMessage()]
    assert warning and "ie-text-50808" in warning[0]
    assert "bob" not in warning[0] and "HELLO" not in warning[0]
    listed = await mod.text(":as alice", "/crisis resource list")
    assert "Members' reports of a wrong number" in listed
    assert "#1 ie-text-50808 2026-11-02: HELLO got no answer" in listed
    assert "bob" not in listed
    # a moderator's later check answers the report
    await mod.say(":clock +1d", "/crisis resource confirm id:ie-text-50808")
    assert "ie-text-50808 2026-11-02" not in await mod.text("/crisis resource list")


async def test_a_member_may_name_the_line_or_its_number_instead_of_the_id(mod):
    await mod.say(":as bob")
    assert "Thank you" in await mod.text('/crisis resource report id:pieta note:"closed"')
    assert "Thank you" in await mod.text('/crisis resource report id:"1800 247 247" note:"x"')
    assert [r[3] for r in await mod.rows("crisis_directory_reports")] == ["ie-pieta"] * 2


@pytest.mark.parametrize("command", ["confirm id:{bad}", 'report id:{bad} note:"wrong"'])
@pytest.mark.parametrize("bad", ["xx-nothing", "'; DROP TABLE crisis_directory_checks; --"])
async def test_unknown_ids_are_refused_and_nothing_is_stored(mod, command, bad):
    out = await mod.text("/crisis resource " + command.format(bad=f'"{bad}"'))
    assert "There's no directory entry" in out or "I don't know an entry" in out
    assert await mod.snapshot(*TABLES) == {t: [] for t in TABLES}


async def test_unknown_id_in_a_report_lists_the_members_ids(mod):
    out = await mod.text(":as bob", '/crisis resource report id:nothing note:"wrong"')
    assert "The ids for Ireland:" in out and "• ie-pieta: Pieta" in out


@pytest.mark.parametrize("note", ['""', '"   "', '"' + "x" * 10_000 + '"'])
async def test_empty_or_huge_notes_are_refused(mod, note):
    out = await mod.text(":as bob", f"/crisis resource report id:ie-pieta note:{note}")
    assert "Usage: !crisis resource report" in out
    assert await mod.rows("crisis_directory_reports") == []


async def test_markup_mentions_and_sql_in_a_note_are_kept_verbatim_and_never_filled_in(mod):
    note = "**bold** @everyone <@&1> {emergency} '; DROP TABLE crisis_directory_reports; --"
    await mod.say(":as bob", f'/crisis resource report id:ie-pieta note:"{note}"')
    assert (await mod.rows("crisis_directory_reports"))[0][5] == note
    listed = await mod.text(":as alice", "/crisis resource list")
    assert note in listed  # a value: escaped by each platform, mentions off, never a template


async def test_reports_are_limited_per_member_per_day(mod):
    await mod.say(":as bob")
    for _ in range(5):
        assert "Thank you for telling me" in await mod.text(
            '/crisis resource report id:ie-pieta note:"busy"'
        )
    out = await mod.text('/crisis resource report id:ie-pieta note:"busy"')
    assert "already sent 5 reports today" in out
    assert len(await mod.rows("crisis_directory_reports")) == 5
    await mod.say(":clock +25h")
    assert "Thank you for telling me" in await mod.text(
        '/crisis resource report id:ie-pieta note:"busy"'
    )


async def test_mydata_exports_and_deletes_reports_and_unnames_checks(mod):
    await mod.say("/crisis resource confirm id:ie-pieta")
    await mod.say(":as bob", '/crisis resource report id:ie-pieta note:"no answer"')
    assert "crisis directory reports" in await mod.export()
    await mod.say("/mydata delete confirm:yes")
    assert await mod.rows("crisis_directory_reports") == []
    await mod.say(":as alice", "/mydata delete confirm:yes")
    checks = await mod.rows("crisis_directory_checks")
    assert len(checks) == 1 and checks[0][5] is None  # the community's check stays, unnamed
