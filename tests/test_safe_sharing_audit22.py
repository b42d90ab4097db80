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
