"""An upcoming community event shown the platform's own way: a Guild Scheduled Event on
Discord (members see it in the events list and get Discord's reminders), a pinned message in
the room on Matrix, a line on the console."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Listing:
    """What a listing shows. Text here is plain (the platform escapes it; nobody is pinged).

    ``channel_id`` is the voice/stage channel or room the event happens in, if it is one of the
    community's; ``link`` where it happens otherwise; ``pin_channel_id`` where a platform that
    pins messages puts it when ``channel_id`` is not set."""

    title: str
    description: str
    start: datetime
    end: datetime
    channel_id: str | None
    link: str | None
    pin_channel_id: str | None
    summary: str  # one line for a pinned message: "Sun circle — Sun 08 Nov 2026, 19:00 (London)"
