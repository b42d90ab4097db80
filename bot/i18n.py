"""Translation: gettext catalogs (managed with Babel) and per-locale formatting.

Every member-facing text is an English message id marked with :func:`_` (or :func:`N_` where
it is only declared) so ``make i18n-extract`` finds it. Text is translated for the person who
reads it: :class:`bot.context.Context` translates a reply's template in the reader's locale, a
private message in the recipient's, and a channel post in the community's (see
``bot/languages.py`` for how the locale is chosen). Templates keep their ``{placeholders}``;
values are filled in (and escaped) by the platform, never translated.

Composite texts (a list of lines) are translated piece by piece with a :class:`Translator`
(``ctx.tr``, or ``await ctx.translator_for(user_id)``); plurals use :meth:`Translator.ngettext`;
numbers, dates and times are formatted by Babel in the reader's locale.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from datetime import date, datetime, time
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).with_name("locales")
DOMAIN = "peerbot"
DEFAULT = "en"
# The catalogs shipped (bot/locales/<code>/LC_MESSAGES/peerbot.po); English is the source.
SUPPORTED: tuple[str, ...] = ("en", "es", "pt_BR", "de", "fr", "uk")
NAMES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "pt_BR": "Português (Brasil)",
    "de": "Deutsch",
    "fr": "Français",
    "uk": "Українська",
}
# Discord client locales that carry description_localizations, per catalog.
DISCORD_LOCALES: dict[str, tuple[str, ...]] = {
    "es": ("es-ES", "es-419"),
    "pt_BR": ("pt-BR",),
    "de": ("de",),
    "fr": ("fr",),
    "uk": ("uk",),
}


def _(message: str) -> str:
    """Mark an English message for extraction; it is translated where it is delivered."""
    return message


N_ = _  # the same marker, for messages declared in one place and translated elsewhere


class Said(str):
    """Text peerbot wrote for people, made before anyone knows who reads it (a schedule's
    description): ``str`` is the English; given as a message's value, the message says it in
    its reader's language (``translated``)."""

    say: Callable[[Translator], str]

    def __new__(cls, say: Callable[[Translator], str]) -> Said:
        said = super().__new__(cls, say(ENGLISH))
        said.say = say
        return said

    def translated(self, tr: Translator) -> str:
        """The text in ``tr``'s language."""
        return self.say(tr)


def normalize(code: str | None) -> str | None:
    """A supported catalog for a typed or client language code ("pt-br", "es-419", "UK"), or
    None. A bare "pt" means Brazilian Portuguese, the only Portuguese catalog."""
    if not code or len(code) > 16:
        return None
    cleaned = code.strip().replace("-", "_")
    lowered = {c.lower(): c for c in SUPPORTED}
    if cleaned.lower() in lowered:
        return lowered[cleaned.lower()]
    language = cleaned.split("_", 1)[0].lower()
    if language == "pt":
        return "pt_BR"
    return lowered.get(language)


class Translator:
    """Messages, plurals, numbers, dates and times in one locale."""

    def __init__(self, code: str, catalog: gettext.NullTranslations) -> None:
        self.code = code
        self.locale = Locale.parse(code)
        self._catalog = catalog

    def gettext(self, message: str) -> str:
        """The translated message (the English one when the catalog has none)."""
        return self._catalog.gettext(message) if message else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form for ``n`` under this language's plural rules (Ukrainian has three)."""
        return self._catalog.ngettext(singular, plural, n)

    def __call__(self, message: str, **values: object) -> str:
        """Translated and filled in: only for values peerbot wrote (numbers, command hints);
        member text goes in a reply's values so the platform escapes it."""
        text = self.gettext(message)
        return text.format(**values) if values else text

    def plural(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The plural form for ``n``, filled in with ``count`` (formatted) and ``values``."""
        return self.ngettext(singular, plural, n).format(count=self.number(n), **values)

    def number(self, value: float) -> str:
        """A number as this locale writes it (1,234.5 · 1.234,5 · 1 234,5)."""
        if isinstance(value, int):
            return _whole_number(value, str(self.locale))
        return format_decimal(value, locale=self.locale)

    def date(self, value: date, format: str = "long") -> str:
        """A date as this locale writes it ("3 de marzo de 2026")."""
        return format_date(value, format=format, locale=self.locale)

    def time(self, value: time | datetime, format: str = "short") -> str:
        """A time of day as this locale writes it (15:30 · 3:30 PM)."""
        return format_time(value, format=format, locale=self.locale)

    def datetime(self, value: datetime, format: str = "medium") -> str:
        """An instant (already in the reader's zone) as this locale writes it."""
        return format_datetime(value, format=format, locale=self.locale)


@cache
def translator(code: str | None) -> Translator:
    """The translator for a catalog code (English for anything unsupported)."""
    code = normalize(code) or DEFAULT
    if code == DEFAULT:
        return Translator(DEFAULT, gettext.NullTranslations())
    catalog = Translations.load(str(LOCALES_DIR), [code], DOMAIN)
    return Translator(code, catalog)


ENGLISH = translator(DEFAULT)


@lru_cache(maxsize=4096)
def _whole_number(value: int, locale: str) -> str:
    """Counts recur (days, streaks, places in a queue): each is formatted once per locale."""
    return format_decimal(value, locale=locale)
