"""Issue 22, audited gaps (console community): each failed before its fix."""

from __future__ import annotations

from tests.test_safe_sharing import open_vent


async def test_mydata_delete_offers_the_choice_before_the_link_is_gone(community):
    """The author learned they could take their posts down only after /mydata delete
    confirm:yes, and was told to use /vent forget "first" when that could no longer find them."""
    await open_vent(community)
    await community.say("/vent my post")
    ask = await community.text("/mydata delete")
    assert "anonymous" in ask.lower()  # the choice is offered before anything is deleted
    done = await community.text("/mydata delete confirm:yes")
    assert "/vent forget" not in done  # the console's prefix is "!"; and "first" is too late


async def test_forget_remove_does_not_say_taken_down_when_nothing_was(community):
    """On the console (and Matrix: no Platform.edit there) the post couldn't be edited away,
    yet the author was told "taken down"."""
    await open_vent(community)
    await community.say("/vent mine")
    out = await community.text("/vent forget posts:remove")
    taken_down_shown = "#vent: (Anonymous post 1 was taken down by its author.)" in out
    assert taken_down_shown or "taken down" not in out


async def test_where_a_post_cannot_be_taken_down_nobody_is_told_it_was(community):
    """A platform that can't take a post down (no power, the message gone, a network error):
    the author, the moderator and the audit log are told the truth, and the post stays
    removable later."""

    async def cannot(*args, **kwargs):
        return False

    await open_vent(community)
    await community.say("/vent mine", "/vent also mine", ":as bob", "/vent bob's")
    community.console.take_down = cannot
    out = await community.text(":as alice", "/vent forget posts:remove")
    assert "taken down" not in out and "#vent:" not in out
    assert "2 anonymous posts no longer linked to you" in out
    assert "couldn't take 2 of them down here, so they stay up" in out
    out = await community.text(":as mod", "/vent reveal post:1 reason:checking who wrote it")
    assert "no longer kept" in out  # the link went all the same
    out = await community.text("/vent remove post:3")
    assert "please delete it by hand" in out and "Post 3 is removed" not in out
    audit = await community.text("/community audit")
    assert "vent.remove post 3 → author forgotten; the post is still up" in audit
    assert "taken down" not in audit
    # the second try, where the platform can: now it is really gone, and said so
    del community.console.take_down
    out = await community.text("/vent remove post:3")
    assert "#vent: (Anonymous post 3 was removed by a moderator.)" in out
    assert "Post 3 is removed" in out
    assert "vent.remove post 3 → taken down" in await community.text("/community audit")


async def test_a_post_is_taken_down_on_the_console_and_said_so(community):
    await open_vent(community)
    await community.say("/vent mine")
    out = await community.text(":as mod", "/vent remove post:1")
    assert "#vent: (Anonymous post 1 was removed by a moderator.)" in out
    assert "Post 1 is removed" in out
    out = await community.text("/vent remove post:1")  # already down: nothing shown again
    assert "#vent:" not in out and "Post 1 was already removed" in out


def test_matrix_can_take_an_anonymous_post_down():
    """/vent remove on Matrix always answered "please delete it by hand": MatrixPlatform had no
    way to take its own post down (it now redacts its own event)."""
    from bot.platforms.base import Platform
    from bot.platforms.matrix.platform import MatrixPlatform

    assert MatrixPlatform.take_down is not Platform.take_down
