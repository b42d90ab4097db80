"""What a newcomer found running the console, each shown as the person would notice it."""

from __future__ import annotations

from tests.harness import private_to
from tests.test_crisis_private_text import mod  # noqa: F401 (a fixture)
from tests.test_partners import paired


async def test_an_urgent_sos_reply_does_not_promise_the_words_stay_private(mod):  # noqa: F811
    """The partner receives the words of an SOS note: the crisis reply must not say "What you
    wrote stays private"."""
    await paired(mod, "bob", "carol")
    await mod.say(":as bob")
    out = await mod.text('/partner sos note:"I want to kill myself tonight"')
    reply = private_to(out, "bob")
    assert "Emergency:" in reply
    assert "stays private" not in reply
    assert "Your partner has what you wrote" in reply
