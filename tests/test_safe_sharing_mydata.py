"""/mydata delete and anonymous posts (issue 22): the author hears how many anonymous posts are
linked to them, and can choose to take them down, before anything is deleted; afterwards nobody
is told to do something "first" that can no longer be done."""

from __future__ import annotations

from tests.test_safe_sharing import open_vent


def private_to(out: str, name: str) -> str:
    return "\n".join(line for line in out.splitlines() if f"(private) {name}" in line)


async def test_the_confirm_step_offers_the_choice_about_anonymous_posts(community):
    await open_vent(community)
    await community.say("/vent my post", "/vent another one", ":as bob", "/vent bob's")
    ask = await community.text(":as alice", "/mydata delete")
    assert "2 anonymous posts" in ask  # hers, never bob's
    assert "!vent forget posts:remove" in ask  # the console's prefix, and in time
    assert "stay" in ask and "#vent:" not in ask  # nothing is taken down or deleted yet
    assert "no longer kept" not in await community.text(
        ":as mod", "/vent reveal post:1 reason:checking who wrote it"
    )


async def test_one_post_is_counted_in_the_singular_and_nothing_is_said_without_posts(community):
    await open_vent(community)
    await community.say("/vent my post")
    assert "1 anonymous post " in await community.text("/mydata delete")
    assert "anonymous" not in (await community.text(":as bob", "/mydata delete")).lower()


async def test_after_confirm_nobody_is_told_to_do_something_first(community):
    await open_vent(community)
    await community.say("/vent my post")
    done = private_to(await community.text("/mydata delete confirm:yes"), "alice")
    assert "Your anonymous posts stay in the channel" in done
    assert "vent forget" not in done and "first" not in done


async def test_taking_them_down_first_then_deleting(community):
    await open_vent(community)
    await community.say("/vent my post")
    await community.say("/vent forget posts:remove")
    assert "anonymous" not in (await community.text("/mydata delete")).lower()
    done = await community.text("/mydata delete confirm:yes")
    assert "Your anonymous posts stay" not in done


async def test_the_choice_is_offered_in_the_members_language(community):
    await open_vent(community)
    await community.say("/vent mein Beitrag", "/language set de")
    ask = private_to(await community.text("/mydata delete"), "alice")
    assert "!vent forget posts:remove" in ask and "anonyme" in ask.lower()
    done = private_to(await community.text("/mydata delete confirm:yes"), "alice")
    assert "Your anonymous posts" not in done and "anonym" in done.lower()
