"""Languages (issue 24), part 2: what members, supporters and moderators who chose a language
read from support sessions, partners and the crisis feature's commands, in the console
community, with placeholders filled and mentions kept off."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from tests.harness import ConsoleCommunity, private_to

LANGUAGES = ("es", "pt_BR", "de", "fr", "uk")
LIMITS = {"limits": {"commands_per_minute": 1000}}


def filled(text: str) -> bool:
    """No placeholder left unfilled."""
    return "{" not in text and "}" not in text


@pytest.fixture
async def desk(tmp_path):
    """mod moderates (alerts channel set); bob is a supporter on duty; as alice."""
    c = await ConsoleCommunity.create(tmp_path, config=LIMITS)
    await c.with_supporters()
    yield c
    await c.stop()


# --- support sessions ------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
async def test_a_support_session_in_each_language(desk: ConsoleCommunity, code: str) -> None:
    """Alice and bob both read `code`: the queue, the claim, the private space, the close."""
    tr = translator(code)
    await desk.text(":as bob", f"/language set {code}", ":as alice", f"/language set {code}")
    out = await desk.text('/support request kind:listen topics:grief time:45m note:"@everyone hi"')
    alice = private_to(out, "alice")
    assert tr.plural("about {count} minute", "about {count} minutes", 15) in alice
    assert "Thank you for asking" not in alice and filled(alice) and "!support cancel" in alice
    bob = private_to(out, "bob")
    assert tr("someone to listen") in bob and "A support request" not in bob and filled(bob)
    assert "@everyone" not in bob  # the note stays unseen before a claim

    out = await desk.text(":as bob", "/support queue")
    queue = private_to(out, "bob")
    assert tr.plural("{count} waiting, oldest first:", "{count} waiting, oldest first:", 1) in queue
    assert tr.plural("about {count} minute", "about {count} minutes", 45) in queue
    assert tr("Claim #{id}", id=1) in queue and filled(queue)

    out = await desk.text("/support claim")
    assert tr("You claimed #{id}. I've opened a private space for you and {member}; the request is there.", id=1, member="alice") in private_to(out, "bob")  # fmt: skip
    assert "@everyone hi" in out and filled(out)

    out = await desk.text("/support close outcome:supported")
    assert tr("Closed #{id}. Thank you for being there.", id=1) in private_to(out, "bob")
    assert "Thank you for reaching out" not in private_to(out, "alice")
    assert filled(out)


@pytest.mark.parametrize("code", LANGUAGES)
async def test_support_errors_and_history_in_each_language(
    desk: ConsoleCommunity, code: str
) -> None:
    tr = translator(code)
    await desk.text(f"/language set {code}")
    out = await desk.text("/support request kind:listen topics:weather")
    assert (
        tr(
            "{typed} is not one of the topics; choose from {topics}",
            typed="'weather'",
            topics="self-harm, suicide, substance-use, relapse, abuse, grief, other / none",
        )
        in out
    )
    out = private_to(await desk.text("/support history"), "alice")
    assert "!support request" in out and "You haven't" not in out and filled(out)
    await desk.text("/support request kind:advice", "/support cancel")
    out = private_to(await desk.text("/support history"), "alice")
    assert tr("Your support requests (newest first):") in out
    assert tr("advice") in out and tr("cancelled") in out
    out = private_to(await desk.text(":as mod", f"/language set {code}", "/support stats"), "mod")
    assert tr.plural("{count} request", "{count} requests", 1) in out and filled(out)
    assert "Last 7 days" not in out


async def test_the_supporter_reads_their_own_language(desk: ConsoleCommunity) -> None:
    """Alice writes in Spanish; bob reads the request and the space in German."""
    await desk.text(":as bob", "/language set de", ":as alice", "/language set es")
    out = await desk.text("/support request kind:practical topics:none time:1h")
    assert "ayuda práctica" not in private_to(out, "bob")
    assert "praktische Hilfe" in private_to(out, "bob")
    assert "Gracias por pedirlo" in private_to(out, "alice")


# --- accountability partners -----------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
async def test_partners_in_each_language(community: ConsoleCommunity, code: str) -> None:
    """Bob reads `code`, carol English, the moderator `code`: each reads their own language."""
    tr = translator(code)
    await community.say(
        ":as bob", f"/language set {code}", "/timezone set Europe/London",
        ":as carol", "/timezone set Europe/Paris",
    )  # fmt: skip
    out = await community.text(
        ":as bob", '/partner join alcohol intro:"<b>evenings</b> are hard"', ":as carol",
        "/partner join alcohol",
    )  # fmt: skip
    assert "!partner status" in private_to(out, "bob") and "You're in the pool" not in (
        private_to(out, "bob")
    )
    out = await community.text(
        ":role mod moderator", ":as mod", f"/language set {code}", "/partner match"
    )
    assert tr.plural("{count} pair", "{count} pairs", 1) in private_to(out, "mod")
    assert "Proposed" not in private_to(out, "mod") and filled(out)
    to_bob = private_to(out, "bob")
    assert tr("🤝 A possible accountability partner for you: {who}.", who="carol") in to_bob
    span = tr.plural("{count} hour", "{count} hours", 1)
    assert tr("They're {span} ahead of you.", span=span) in to_bob
    to_carol = private_to(out, "carol")
    assert "A possible accountability partner for you: bob." in to_carol
    assert "They're 1 hour behind you." in to_carol and "<b>evenings</b> are hard" in to_carol
    assert tr("Accept") in to_bob and filled(to_bob)

    out = await community.text(":as bob", "/partner accept", ":as carol", "/partner accept")
    assert tr("You and {who} are now accountability partners.", who="carol") in private_to(
        out, "bob"
    )
    assert "You and bob are now accountability partners." in private_to(out, "carol")
    out = await community.text(":as bob", '/partner sos note:"rough evening"')
    assert tr("They wrote: {note}") not in out  # carol reads English
    assert "bob could use some support right now" in private_to(out, "carol")
    assert "rough evening" in private_to(out, "carol") and filled(out)
    assert "I've let" not in private_to(out, "bob") and "!crisis" in private_to(out, "bob")
    out = private_to(await community.text("/partner status"), "bob")
    assert tr("Your accountability partner: {who}, since {since}.", who="carol", since="2026-11-02") in out  # fmt: skip
    out = await community.text("/partner end")
    assert "carol" in private_to(out, "bob") and filled(out)
    assert "Your accountability partnership with bob has ended." in private_to(out, "carol")


@pytest.mark.parametrize("code", LANGUAGES)
async def test_partner_errors_in_each_language(community: ConsoleCommunity, code: str) -> None:
    tr = translator(code)
    await community.text(f"/language set {code}", "/timezone set Europe/London")
    out = await community.text('/partner join alcohol intro:"hi @here"')
    assert (
        tr(
            "please leave out @everyone, @here and similar mentions; this text only ever goes to "
            "your partner"
        )
        in out
    )
    out = private_to(await community.text("/partner sos"), "alice")
    assert "!crisis" in out and filled(out)
    assert "You don't have an accountability partner" not in out
