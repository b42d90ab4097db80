"""The directory's opening hours and costs, as a member reads them.

The directory (``resources.toml``) writes hours in English as its sources give them. Each
wording that is more than numbers is listed here, so the catalogs translate it; a test fails when
an entry uses a wording this list does not have.
"""

from __future__ import annotations

from bot.i18n import N_, Translator

WORDED = {
    "20 cents per call": N_("20 cents per call"),
    "24/7; in Ukrainian and Russian Mon-Fri 14:00-18:00": N_(
        "24/7; in Ukrainian and Russian Mon-Fri 14:00-18:00"
    ),
    "Mon-Fri 14:00-22:00, Sat-Sun 10:00-18:00": N_("Mon-Fri 14:00-22:00, Sat-Sun 10:00-18:00"),
    "Tue and Thu 16:00-20:00": N_("Tue and Thu 16:00-20:00"),
    "afternoons to midnight": N_("afternoons to midnight"),
    "crisis support Mon-Fri 8:00-12:30 and 16:00-21:00, Sat-Sun 12:30-17:00": N_(
        "crisis support Mon-Fri 8:00-12:30 and 16:00-21:00, Sat-Sun 12:30-17:00"
    ),
    "weekdays 10:00-20:00": N_("weekdays 10:00-20:00"),
}


def needs_words(text: str) -> bool:
    """Whether an hours or cost text has words to translate (not only times and "24/7")."""
    return any(c.isalpha() for c in text.replace("h", ""))


def as_read(text: str, tr: Translator) -> str:
    """The hours or cost in ``tr``'s language when listed, else as the directory writes them."""
    worded = WORDED.get(text)
    return tr.gettext(worded) if worded else text
