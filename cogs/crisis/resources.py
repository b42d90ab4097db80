"""The crisis resource directory: helplines by ISO 3166-1 alpha-2 country code.

Data lives in ``resources.toml`` beside this module; every number carries the official page
it comes from and the day it was last checked. Unknown regions get a fallback: the local
emergency number where known and findahelpline.com.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

RESOURCES_PATH = Path(__file__).with_name("resources.toml")

Kind = Literal["suicide", "substance", "overdose/poison", "youth", "general"]
KINDS: frozenset[str] = frozenset({"suicide", "substance", "overdose/poison", "youth", "general"})
METHODS: frozenset[str] = frozenset({"call", "text", "chat", "web"})

# Preferred order when nothing else is asked for: a suicide line first, then the rest.
_ORDER: dict[str, int] = {
    "suicide": 0,
    "general": 1,
    "substance": 2,
    "overdose/poison": 3,
    "youth": 4,
}
_ORDER_OVERDOSE: dict[str, int] = {"overdose/poison": 0, "suicide": 1, "substance": 2, "general": 3}


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
    review: str | None = None
    region: str | None = None

    def format_line(self) -> str:
        """One line for a member: "Name — call or text 988, chat at 988lifeline.org"."""
        parts: list[str] = []
        grouped: dict[str, list[str]] = {}
        order: list[str] = []
        for contact in self.contacts:
            if contact.method in ("chat", "web"):
                parts_key = f"{contact.method}:{contact.value}"
            elif contact.keyword:
                parts_key = f"kw:{contact.keyword}:{contact.value}"
            else:
                parts_key = f"num:{contact.value}"
            if parts_key not in grouped:
                grouped[parts_key] = []
                order.append(parts_key)
            grouped[parts_key].append(contact.method)
        for key in order:
            kind, _, rest = key.partition(":")
            if kind == "chat":
                parts.append(f"chat at {rest}")
            elif kind == "web":
                parts.append(f"visit {rest}")
            elif kind == "kw":
                keyword, _, number = rest.partition(":")
                parts.append(f"text {keyword} to {number}")
            else:
                parts.append(f"{' or '.join(grouped[key])} {rest}")
        merged = _merge_numbers(parts)
        return f"{self.name} — {', '.join(merged)}" if merged else self.name


def _merge_numbers(parts: list[str]) -> list[str]:
    """Join "call 0800 1" and "call 0800 2" into "call 0800 1 or 0800 2"."""
    out: list[str] = []
    for part in parts:
        verb, _, number = part.partition(" ")
        prev = out[-1] if out else ""
        if verb in ("call", "text") and prev.startswith(verb + " ") and " or " not in prev:
            out[-1] = f"{out[-1]} or {number}"
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

    def top(self, n: int = 3, overdose: bool = False) -> list[Service]:
        """The ``n`` services to show first; with ``overdose`` the poison/overdose line leads."""
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
        return picked[: max(n, 0)]

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
            if s.last_verified < cutoff
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
            if s.review
        ]
        if self.fallback.review:
            found.append(("*", self.fallback))
        return found


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


def _service(raw: dict, region: str | None) -> Service:
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
    return Service(
        name=raw["name"],
        kind=kind,
        contacts=contacts,
        hours=raw.get("hours", ""),
        languages=tuple(raw.get("languages", ())),
        url=raw.get("url", ""),
        source=raw["source"],
        last_verified=verified,
        review=raw.get("review"),
        region=region,
    )


def load_directory(path: Path | str | None = None) -> Directory:
    """Read the directory from ``path`` (default: the packaged ``resources.toml``)."""
    data = tomllib.loads(Path(path or RESOURCES_PATH).read_text(encoding="utf-8"))
    regions: dict[str, RegionResources] = {}
    aliases: dict[str, str] = {}
    for code, entry in data.get("countries", {}).items():
        code = code.upper()
        services = tuple(_service(raw, code) for raw in entry.get("services", []))
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
        fallback=_service(data["fallback"], None),
        emergency_numbers=numbers,
        aliases=aliases,
    )
