"""The crisis resource directory: helplines by ISO 3166-1 alpha-2 country code.

Data lives in ``resources.toml`` beside this module; every number carries the page it comes
from, the day it was last checked and whether that check was live (``review``). Unknown regions
get a fallback: the local emergency number where known and findahelpline.com. Each service has
a stable id so a community's moderators can confirm it and members can report it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.i18n import ENGLISH, N_, Translator
from cogs.crisis.hours import as_read

RESOURCES_PATH = Path(__file__).with_name("resources.toml")

Kind = Literal["suicide", "substance", "overdose/poison", "youth", "general", "group"]
KINDS: frozenset[str] = frozenset(
    {"suicide", "substance", "overdose/poison", "youth", "general", "group"}
)
VERIFIED = "verified"
# Hours that go without saying in a member's line.
_PLAIN_HOURS = frozenset({"", "24/7", "see website", "directory"})
METHODS: frozenset[str] = frozenset({"call", "text", "chat", "web"})

# Preferred order when nothing else is asked for: a suicide line first, then the rest.
_ORDER: dict[str, int] = {
    "suicide": 0,
    "general": 1,
    "substance": 2,
    "overdose/poison": 3,
    "youth": 4,
    "group": 5,  # a line for one group of people: after the lines for everyone
}
_ORDER_OVERDOSE: dict[str, int] = {
    "overdose/poison": 0,
    "suicide": 1,
    "substance": 2,
    "general": 3,
    "group": 5,
}


@dataclass(frozen=True)
class Contact:
    """One way to reach a service: call, text, chat or web, with the exact number or address."""

    method: str
    value: str
    keyword: str | None = None


@dataclass(frozen=True)
class Service:
    """One helpline or service, with where its details come from."""

    name: str
    kind: str
    contacts: tuple[Contact, ...]
    hours: str
    languages: tuple[str, ...]
    url: str
    source: str
    last_verified: dt.date
    review: str = VERIFIED
    region: str | None = None
    id: str = ""
    # The region's emergency number when this line is unreliable or not for emergencies.
    emergency_first: str | None = None
    emergency_note: str = ""
    cost: str = ""
    # Set per community: the day its moderators checked this entry.
    checked_on: dt.date | None = None

    @property
    def pending(self) -> bool:
        """True until a person has checked the number against the live source page."""
        return self.review != VERIFIED

    def format_line(self, tr: Translator = ENGLISH) -> str:
        """One line for a member: "Name — call or text 988, chat at 988lifeline.org", in
        ``tr``'s language (names and notes come from the directory as written; worded hours
        are translated, see cogs.crisis.hours)."""
        merged = [_say(tr, part) for part in _merge_numbers(self._contact_parts())]
        name = self.name + "".join(
            f" ({as_read(extra, tr)})"
            for extra in (self.hours, self.cost)
            if extra not in _PLAIN_HOURS
        )
        body = ", ".join(merged)
        if self.emergency_first:
            if self.emergency_note:
                body = tr(
                    "in an emergency call {emergency} first and {note}; otherwise {rest}",
                    emergency=self.emergency_first,
                    note=self.emergency_note,
                    rest=body,
                )
            else:
                body = tr(
                    "in an emergency call {emergency} first; otherwise {rest}",
                    emergency=self.emergency_first,
                    rest=body,
                )
        line = f"{name} — {body}" if merged else name
        if self.checked_on is not None:
            line += " " + tr(
                "(checked by this community's moderators on {date})",
                date=self.checked_on.isoformat(),
            )
        return line

    def speaks(self, language: str | None) -> bool:
        """Whether the directory says this service answers in ``language`` (a catalog code
        like pt_BR, or an ISO 639-1 code)."""
        return bool(language) and language.split("_")[0].lower() in self.languages

    def _contact_parts(self) -> list[_Part]:
        grouped: dict[tuple[str, str, str], list[str]] = {}
        for contact in self.contacts:
            if contact.method in ("chat", "web"):
                key = (contact.method, contact.value, "")
            elif contact.keyword:
                key = ("kw", contact.value, contact.keyword)
            else:
                key = ("num", contact.value, "")
            grouped.setdefault(key, []).append(contact.method)
        return [
            _Part(kind, tuple(methods), (value,), keyword)
            for (kind, value, keyword), methods in grouped.items()
        ]


@dataclass(frozen=True)
class _Part:
    """One way to reach a service, before it is said: a method group and its values."""

    kind: str  # chat | web | kw | num
    methods: tuple[str, ...]
    values: tuple[str, ...]
    keyword: str = ""


# How each way of reaching a service is said; {number}/{address} are the directory's.
_NUMBER_PHRASES = {
    ("call",): N_("call {number}"),
    ("text",): N_("text {number}"),
    ("call", "text"): N_("call or text {number}"),
    ("text", "call"): N_("text or call {number}"),
}


def _say(tr: Translator, part: _Part) -> str:
    if part.kind == "chat":
        return tr("chat at {address}", address=part.values[0])
    if part.kind == "web":
        return tr("visit {address}", address=part.values[0])
    if part.kind == "kw":
        return tr("text {keyword} to {number}", keyword=part.keyword, number=part.values[0])
    number = part.values[0]
    for other in part.values[1:]:
        number = tr("{first} or {second}", first=number, second=other)
    phrase = _NUMBER_PHRASES.get(part.methods)
    if phrase is None:
        return f"{' or '.join(part.methods)} {number}"
    return tr(phrase, number=number)


def _merge_numbers(parts: list[_Part]) -> list[_Part]:
    """Join "call 0800 1" and "call 0800 2" into "call 0800 1 or 0800 2"."""
    out: list[_Part] = []
    for part in parts:
        prev = out[-1] if out else None
        if (
            prev is not None
            and part.kind == prev.kind == "num"
            and part.methods == prev.methods
            and len(part.methods) == 1
            and part.methods[0] in ("call", "text")
            and len(prev.values) == 1
        ):
            out[-1] = dataclasses.replace(prev, values=(*prev.values, *part.values))
        else:
            out.append(part)
    return out


@dataclass(frozen=True)
class RegionResources:
    """What the directory offers one region (possibly the fallback)."""

    code: str | None
    name: str
    emergency: str | None
    services: tuple[Service, ...]
    is_fallback: bool = False

    def name_in(self, tr: Translator) -> str:
        """The country's name in ``tr``'s language (Babel's), else as the directory writes it."""
        if self.is_fallback or not self.code or tr.code == ENGLISH.code:
            return self.name
        return tr.locale.territories.get(self.code, self.name)

    def top(self, n: int = 3, overdose: bool = False, language: str | None = None) -> list[Service]:
        """The ``n`` services to show first; with ``overdose`` the poison/overdose line leads;
        with ``language`` the services the directory says answer in it come first."""
        order = _ORDER_OVERDOSE if overdose else _ORDER
        ranked = sorted(
            enumerate(self.services), key=lambda item: (order.get(item[1].kind, 9), item[0])
        )
        picked: list[Service] = []
        kinds: set[str] = set()
        # Prefer variety: one service per kind before a second of the same kind.
        for _, service in ranked:
            if service.kind not in kinds:
                picked.append(service)
                kinds.add(service.kind)
        for _, service in ranked:
            if service not in picked:
                picked.append(service)
        # A line this community's moderators checked comes before unchecked ones (the
        # overdose line still leads an overdose reply); sorted() keeps the order otherwise.
        lead = picked[:1] if overdose else []
        picked = sorted(picked, key=lambda s: s not in lead and s.checked_on is None)
        if language and any(s.speaks(language) for s in picked):
            picked = sorted(picked, key=lambda s: s not in lead and not s.speaks(language))
        return picked[: max(n, 0)]

    def with_checks(self, checked: dict[str, dt.date]) -> RegionResources:
        """A copy whose services carry the day a community's moderators checked them."""
        if not checked:
            return self
        services = tuple(
            dataclasses.replace(s, checked_on=checked[s.id]) if s.id in checked else s
            for s in self.services
        )
        return dataclasses.replace(self, services=services)

    def emergency_line(self) -> str:
        """ "Emergency: 112" or a plain reminder when the number is not known."""
        if self.emergency:
            return f"Emergency: {self.emergency}"
        return "Emergency: call your local emergency number"


@dataclass
class Directory:
    """All regions, the fallback service and the emergency-number table."""

    regions: dict[str, RegionResources]
    fallback: Service
    emergency_numbers: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)
    by_id: dict[str, Service] = field(default_factory=dict)

    def known(self, code: str | None) -> bool:
        """True if ``code`` (any case) is a country with its own entry."""
        return bool(code) and code.strip().upper() in self.regions

    def for_region(self, code: str | None) -> RegionResources:
        """Resources for ``code``; an unknown or missing code gets the fallback."""
        key = (code or "").strip().upper()
        if key in self.regions:
            return self.regions[key]
        return RegionResources(
            code=key or None,
            name="your region",
            emergency=self.emergency_numbers.get(key),
            services=(self.fallback,),
            is_fallback=True,
        )

    def suggest(self, text: str | None) -> str | None:
        """The country code a member probably meant: "USA" → "US", "uk" → "GB", "germany" → "DE"."""
        if not text:
            return None
        key = _alias_key(text)
        if not key:
            return None
        if len(key) == 2 and key.upper() in self.regions:
            return key.upper()
        if key in self.aliases:
            return self.aliases[key]
        if len(key) == 2 and key.upper() in self.emergency_numbers:
            return key.upper()
        return None

    def stale(self, today: dt.date, months: int = 12) -> list[tuple[str, Service]]:
        """Services whose ``last_verified`` is older than ``months`` before ``today``."""
        cutoff = _months_before(today, months)
        found = [
            (code, s)
            for code, region in sorted(self.regions.items())
            for s in region.services
            if s.last_verified < cutoff and s.region == code
        ]
        if self.fallback.last_verified < cutoff:
            found.append(("*", self.fallback))
        return found

    def pending_review(self) -> list[tuple[str, Service]]:
        """Services a human still has to confirm against their source page."""
        found = [
            (code, s)
            for code, region in sorted(self.regions.items())
            for s in region.services
            if s.pending and s.region == code
        ]
        if self.fallback.pending:
            found.append(("*", self.fallback))
        return found

    def entry(self, entry_id: str | None) -> Service | None:
        """The service with this id (any case), or None."""
        return self.by_id.get((entry_id or "").strip().lower())

    def entries_for(self, code: str | None) -> list[Service]:
        """Every service a member of region ``code`` may be shown (the fallback included)."""
        return list(self.for_region(code).services)


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _alias_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]+", " ", folded.lower()).strip()


def _slug(text: str, words: int = 3) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.sub(r"[^a-z0-9]+", " ", folded).split()[:words])


def _service(raw: dict, region: str | None, emergency: str | None = None) -> Service:
    kind = raw["kind"]
    if kind not in KINDS:
        raise ValueError(f"{region}: {raw.get('name')}: unknown kind {kind!r}")
    contacts = tuple(
        Contact(c["method"], c["value"], c.get("keyword")) for c in raw.get("contacts", [])
    )
    for c in contacts:
        if c.method not in METHODS:
            raise ValueError(f"{region}: {raw['name']}: unknown contact method {c.method!r}")
    if not raw.get("source"):
        raise ValueError(f"{region}: {raw['name']}: a number without a source")
    verified = raw["last_verified"]
    if isinstance(verified, str):
        verified = dt.date.fromisoformat(verified)
    review = raw.get("review", "")
    if review != VERIFIED and not review.startswith("pending"):
        raise ValueError(f"{region}: {raw['name']}: review must be 'verified' or 'pending: why'")
    entry_id = raw.get("id") or (f"{region}-{_slug(raw['name'])}" if region else _slug(raw["name"]))
    return Service(
        name=raw["name"],
        kind=kind,
        contacts=contacts,
        hours=raw.get("hours", ""),
        languages=tuple(raw.get("languages", ())),
        url=raw.get("url", ""),
        source=raw["source"],
        last_verified=verified,
        review=review,
        region=region,
        id=entry_id.lower(),
        emergency_first=(emergency or "your local emergency number")
        if raw.get("emergency_first")
        else None,
        emergency_note=raw.get("emergency_note", ""),
        cost=raw.get("cost", ""),
    )


def load_directory(path: Path | str | None = None) -> Directory:
    """Read the directory from ``path`` (default: the packaged ``resources.toml``)."""
    data = tomllib.loads(Path(path or RESOURCES_PATH).read_text(encoding="utf-8"))
    regions: dict[str, RegionResources] = {}
    aliases: dict[str, str] = {}
    fallback = _service(data["fallback"], None)
    by_id: dict[str, Service] = {fallback.id: fallback}
    for code, entry in data.get("countries", {}).items():
        code = code.upper()
        services = tuple(
            _service(raw, code, entry["emergency"]) for raw in entry.get("services", [])
        )
        for service in services:
            if service.id in by_id:
                raise ValueError(f"{code}: {service.name}: id {service.id!r} is used twice")
            by_id[service.id] = service
        if entry.get("with_fallback"):
            services += (fallback,)
        regions[code] = RegionResources(
            code=code, name=entry["name"], emergency=entry["emergency"], services=services
        )
        for alias in [entry["name"], *entry.get("aliases", [])]:
            aliases[_alias_key(alias)] = code
    numbers = {
        k.upper(): v for k, v in data.get("emergency_numbers", {}).get("numbers", {}).items()
    }
    for code, region in regions.items():
        numbers.setdefault(code, region.emergency or "")
    return Directory(
        regions=regions,
        fallback=fallback,
        emergency_numbers=numbers,
        aliases=aliases,
        by_id=by_id,
    )
