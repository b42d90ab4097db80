"""`/mydata delete confirm:yes` removes the files the bot wrote for the member (their exports,
their check-in charts): on the console they are saved to disk, one private folder per member.
Other members' files stay."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import private_to, saved_file

# About files beside the database; the console writes the same files on PostgreSQL.
pytestmark = pytest.mark.sqlite_only


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The umask most machines start with: new files -rw-r--r--, directories rwxr-xr-x."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


async def export_and_chart(community, who: str) -> list[Path]:
    """``who`` checks in, gets a chart and an export: the two files saved for them."""
    await community.say(f":as {who}", '/checkin 4 note:"a quiet day"')
    chart = saved_file(await community.text("/checkin history"))
    export = saved_file(await community.text("/mydata export"))
    assert chart.suffix == ".png" and export.suffix == ".json"
    assert chart.exists() and export.exists()
    return [chart, export]


def every_file(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


async def test_deleting_my_data_removes_my_exports_and_charts_and_no_one_elses(
    community, permissive_umask
):
    alices = await export_and_chart(community, "alice")
    bobs = await export_and_chart(community, "bob")
    files = community.console.files_dir
    for path in alices + bobs:  # readable by the bot's user alone, folders included
        assert mode(path) == 0o600, f"{path} is {oct(mode(path))}"
        for folder in (path.parent, files):
            assert mode(folder) == 0o700, f"{folder} is {oct(mode(folder))}"
    out = await community.text(":as alice", "/mydata delete confirm:yes")
    assert "Done." in private_to(out, "alice")
    assert [p for p in alices if p.exists()] == []
    assert every_file(files) == set(bobs)  # bob's chart and export are untouched
    assert "a quiet day" in bobs[1].read_text(encoding="utf-8")


async def test_scope_everywhere_removes_my_files_too(community):
    alices = await export_and_chart(community, "alice")
    await community.say("/mydata delete confirm:yes scope:everywhere")
    assert [p for p in alices if p.exists()] == []


async def test_the_summary_counts_the_files_deleted(community):
    await export_and_chart(community, "alice")
    out = await community.text("/mydata delete confirm:yes")
    assert "files (2)" in private_to(out, "alice")


async def test_an_export_saved_by_an_older_version_beside_the_others_is_removed(community):
    """Before one folder per member, every file went straight into the files folder: an old
    export names its member, so it goes with them; another member's old export stays."""
    files = community.console.files_dir
    files.mkdir(mode=0o700, exist_ok=True)

    def old_export(user: str, name: str) -> Path:
        path = files / name
        document = {"platform": "console", "community": "console", "user": user, "data": {}}
        path.write_text(json.dumps(document), encoding="utf-8")
        return path

    alices = old_export("alice", "peerbot-export-here-2026-10-01-120000.json")
    bobs = old_export("bob", "peerbot-export-here-2026-10-01-120000-2.json")
    not_an_export = files / "peerbot-export-notes.json"
    not_an_export.write_text("not json", encoding="utf-8")
    await export_and_chart(community, "alice")
    await community.say(":as alice", "/mydata delete confirm:yes")
    assert not alices.exists()
    assert bobs.exists() and not_an_export.exists()
