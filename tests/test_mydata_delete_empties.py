"""`/mydata delete confirm:yes` empties every member table for that member: each table is filled
through real commands first, so a table that deletion skips (or a new table nobody filled here)
fails this test, not only one that was never registered."""

from __future__ import annotations

from tests.test_partners import as_moderator, join

# Member columns: a row is the member's when one of these holds their id.
MEMBER_COLUMNS = ("user_id", "member_id", "reporter_id", "actor_id", "user_a", "user_b")
# Tables the console cannot fill, and why (everything else must be filled below).
NOT_FILLABLE_HERE = {
    "matrix_direct_rooms": "Matrix only; tests/matrix_e2e covers its deletion",
}


async def member_tables(community) -> dict[str, list[str]]:
    """Every table with a member column, with those columns."""
    found = {}
    for table in await community.bot.db.tables():
        columns = await community.bot.db.columns(table)
        chosen = [c for c in columns if c in MEMBER_COLUMNS]
        if chosen:
            found[table] = chosen
    return found


async def rows_of(community, member: str) -> dict[str, int]:
    """How many rows of each member table hold `member`'s id."""
    counts = {}
    for table, columns in (await member_tables(community)).items():
        where = " OR ".join(f"{c} = ?" for c in columns)
        row = await community.bot.db.fetchone(
            f"SELECT COUNT(*) FROM {table} WHERE {where}", tuple(member for _ in columns)
        )
        counts[table] = row[0]
    return counts


async def fill_every_member_table(community) -> None:
    """alice uses every feature: as a member, as a partner and as a moderator on duty."""
    c = community
    await c.say(":role alice moderator", ":as alice", "/timezone set Europe/London")
    await c.say(
        "/community region code:GB",  # an audited change by alice
        "/community channel purpose:alerts channel:#alerts",
        "/checkin 4 2 share:yes",
        "/checkin remind 20:00",
        "/milestone set date:2026-10-27 share:public",
        "/safetyplan edit reasons I want to see my sister graduate",
        "/duty on",
        "/duty rota add mon 09:00 17:00",
        "/crisis resource confirm gb-shout",
        '/crisis resource report id:gb-shout note:"the number was not answered"',
        '/crisis concern @dave "he said he gave his things away"',
        "I want to end my life tonight",  # screened: flagged, private reply, an alert
        ":clock +1d",  # the 7-day milestone is celebrated
    )
    # anonymous posts: a post, a moderator's note to its author (alice on both ends), an answer
    await c.say(
        "/community channel purpose:vent channel:#vent",
        "/vent a hard week",
        "/vent reach post:1 text:here for you",
        "/vent answer post:1 text:thanks",
    )
    # meetings: alice plans one and RSVPs to it
    await c.say(
        '/meeting add title:Circle when:"weekly sun 19:00" length:60 where:https://x.example',
        "/meeting rsvp 1",
    )
    # partners: proposed, paired, an SOS; the partner leaves by deleting their data (alice is
    # owed a notice); then alice blocks someone and is back in the pool
    await join(c, "alice")
    await join(c, "carol")
    await as_moderator(c, "/partner match")
    await c.say(":as alice", "/partner accept", ":as carol", "/partner accept")
    await c.say(":as alice", "/partner sos rough evening")
    await c.say(":as carol", "/mydata delete confirm:yes")
    await c.say(":as alice", "/partner block @dave", "/partner join alcohol")
    # support sessions: alice, a supporter herself, asks; dave claims and closes; she rates it
    await c.say(
        ":as alice",
        "/community supporters role:Supporters",
        ":role alice +Supporters",
        ":role dave +Supporters",
        "/support settings callme:on",
        "/support request kind:listen topics:grief note:a long week",
        ":as dave",
        "/duty on",
        "/support claim",
        "/support close outcome:supported",
        ":as alice",
        "/support feedback rating:4",
    )


async def test_mydata_delete_leaves_no_row_of_the_member_in_any_table(community):
    await community.say(":as dave", "/checkin 3")
    await fill_every_member_table(community)
    before = await rows_of(community, "alice")
    empty = sorted(t for t, n in before.items() if n == 0 and t not in NOT_FILLABLE_HERE)
    assert not empty, f"fill these tables for alice through commands first: {empty}"

    out = await community.text(":as alice", "/mydata delete confirm:yes")
    assert "deleted" in out.lower()

    after = await rows_of(community, "alice")
    left = {t: n for t, n in after.items() if n}
    assert not left, f"rows of alice kept after /mydata delete: {left}"
    # other members keep theirs
    assert (await rows_of(community, "dave"))["checkins"] == 1
    # what she wrote is in no column of any table (on PostgreSQL too), and export finds nothing
    assert await cells_holding(community, "sister graduate") == []
    assert await cells_holding(community, "a long week") == []
    assert "nothing stored" in await community.text("/mydata export")


async def cells_holding(community, text: str) -> list[str]:
    """``table.column`` of every cell whose text contains `text`, in every table."""
    db, found = community.bot.db, []
    for table in await db.tables():
        for column in await db.columns(table):
            row = await db.fetchone(
                f"SELECT COUNT(*) FROM {table} WHERE CAST({column} AS TEXT) LIKE ?", (f"%{text}%",)
            )
            if row[0]:
                found.append(f"{table}.{column}")
    return found
