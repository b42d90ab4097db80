"""The kinds of value several commands take, each checked one way wherever it is typed: a web
address (https only), a language code and a country code (with "did you mean")."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from bot.i18n import N_, _
from bot.spec import OFF, ArgumentError, Off, ParamType, Resolver

_HTTPS_URL = re.compile(r"https://[^\s<>\"'`{}|\\^]+", re.I)

# ISO 639-1, plus a few widely spoken languages that only have a three-letter code.
LANGUAGES = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu
    cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho
    hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv
    kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr
    nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq
    sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh
    yi yo za zh zu fil yue haw ceb hmn ckb""".split()
)
_LANGUAGE = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")


def _shown(text: str) -> str:
    return text if len(text) <= 20 else text[:19] + "…"


def https_url(raw: Any) -> str:
    """A web address members can open safely: https:// and no spaces."""
    text = str(raw).strip()
    if not _HTTPS_URL.fullmatch(text) or len(text) > 200:
        raise ArgumentError(
            _(
                "{typed} isn't a web address I can list: it must start with https:// and have "
                "no spaces"
            ),
            typed=repr(_shown(text)),
        )
    return text


class HttpsUrl(ParamType):
    """A web address starting with https://."""

    kind = "str"
    hint = N_("a web address starting with https://")

    async def convert(self, raw: Any, resolver: Resolver | None) -> str:
        return https_url(raw)


def language_code(raw: Any) -> str:
    """A language code such as ``en``, ``es`` or ``pt-BR``, returned as its language (``pt``)."""
    text = str(raw).strip()
    if not _LANGUAGE.fullmatch(text) or len(text) > 20:
        raise ArgumentError(
            _("{typed} is not a language code. Use one like en, es or pt-BR"),
            typed=repr(_shown(text)),
        )
    code = re.split(r"[-_]", text)[0].lower()
    if code not in LANGUAGES:
        raise ArgumentError(
            _("{typed} is not a language code I know. Use one like en, es or pt-BR"),
            typed=repr(_shown(text)),
        )
    return code


class LanguageCode(ParamType):
    """A language code (ISO 639-1, optionally with a region like pt-BR)."""

    kind = "str"
    hint = N_("a language code like en, es or pt-BR")

    async def convert(self, raw: Any, resolver: Resolver | None) -> str:
        return language_code(raw)


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166 codes from the zone database's iso3166.tab (empty when it is not installed)."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo/iso3166.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return frozenset()
    return frozenset(
        line.split("\t", 1)[0] for line in text.splitlines() if line and not line.startswith("#")
    )


@cache
def _directory() -> Any:
    from cogs.crisis.resources import load_directory  # its country names and aliases

    return load_directory()


def suggest_country(text: str) -> str | None:
    """The country code someone probably meant: "UK" → "GB", "germany" → "DE", "gb" → "GB"."""
    code = text.strip().upper()
    if re.fullmatch(r"[A-Z]{2}", code) and code in country_codes():
        return code
    return _directory().suggest(text)


def country_code(raw: Any) -> str:
    """A two-letter country code (ISO 3166-1 alpha-2), upper case; a near miss says what it
    probably meant."""
    text = str(raw).strip()
    code = text.upper()
    known = country_codes()
    if re.fullmatch(r"[A-Z]{2}", code) and (not known or code in known):
        return code
    guess = suggest_country(text)
    if guess:
        raise ArgumentError(
            _("{typed} is not a country code. Did you mean {guess}?"),
            typed=repr(_shown(text)),
            guess=guess,
        )
    raise ArgumentError(
        _("{typed} is not a country code. Use two letters, like GB or US."),
        typed=repr(_shown(text)),
    )


class CountryCode(ParamType):
    """A two-letter country code like GB or US, or ``off``."""

    kind = "str"
    hint = N_("a two-letter country code like GB or US, or off")

    async def convert(self, raw: Any, resolver: Resolver | None) -> str | Off:
        if str(raw).strip().lower() in ("off", "none"):
            return OFF
        return country_code(raw)
