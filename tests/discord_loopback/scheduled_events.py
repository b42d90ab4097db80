"""Guild Scheduled Events for the loopback REST API, checked as Discord checks them.

``srv.scheduled_events`` maps an event id to the event object Discord would return. Create
(``POST guilds/{g}/scheduled-events``), read, list, edit (``PATCH``, including ``status`` 4 to
cancel) and delete are served; Discord's rules that discord.py does not check are enforced:
a name of 1-100 characters, a description up to 1000, privacy level 2, a start in the future,
an external event with a location and an end, a voice or stage event with such a channel of
the guild, and no edits to a cancelled or completed event. GUILD_SCHEDULED_EVENT_* gateway
events are not sent: peerbot does not read them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .messages import ApiError, json_response
from .models import new_snowflake

if TYPE_CHECKING:
    from .server import LoopbackDiscord

STAGE, VOICE, EXTERNAL = 1, 2, 3
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
_CHANNEL_TYPE = {STAGE: 13, VOICE: 2}
_FIELDS = (
    "name",
    "description",
    "privacy_level",
    "scheduled_start_time",
    "scheduled_end_time",
    "entity_type",
    "channel_id",
    "entity_metadata",
    "status",
)


def _as_returned(event: dict[str, Any]) -> dict[str, Any]:
    """Snowflakes as Discord returns them: strings."""
    if event.get("channel_id") is not None:
        event["channel_id"] = str(event["channel_id"])
    return event


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(400, 50035, f"Invalid Form Body: {field}: {message}")


class ScheduledEventRoutes:
    """Handlers for ``guilds/{gid}/scheduled-events[/{eid}]``."""

    def __init__(self, srv: LoopbackDiscord) -> None:
        self.srv = srv
        # Discord's clock, for "a start in the future": a test whose bot runs on a clock set
        # in the past sets this to that offset, so both agree on what is past.
        self.skew = timedelta(0)

    def table(self) -> list[tuple[str, str, Any]]:
        """Routes in the ``RestApi`` table format."""
        events = r"guilds/(?P<gid>\d+)/scheduled-events"
        one = rf"{events}/(?P<eid>\d+)"
        return [
            ("POST", events, self.create),
            ("GET", events, self.list_events),
            ("GET", one, self.get),
            ("PATCH", one, self.edit),
            ("DELETE", one, self.delete),
        ]

    def of_guild(self, guild_id: int) -> list[dict[str, Any]]:
        """The guild's events, oldest first (for tests)."""
        return [e for e in self.srv.scheduled_events.values() if e["guild_id"] == str(guild_id)]

    def _event(self, gid: str, eid: str) -> dict[str, Any]:
        event = self.srv.scheduled_events.get(int(eid))
        if event is None or event["guild_id"] != gid:
            raise ApiError(404, 10070, "Unknown Guild Scheduled Event")
        return event

    def _check(self, gid: str, event: dict[str, Any], *, creating: bool) -> None:
        name = event.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            raise _invalid("name", "Must be between 1 and 100 in length.")
        if len(event.get("description") or "") > 1000:
            raise _invalid("description", "Must be 1000 or fewer in length.")
        if event.get("privacy_level") != 2:
            raise _invalid("privacy_level", "Value must be one of {2}.")
        start = datetime.fromisoformat(event["scheduled_start_time"])
        if creating and start <= datetime.now(UTC) + self.skew:
            raise _invalid("scheduled_start_time", "Cannot schedule event in the past.")
        end = event.get("scheduled_end_time")
        if end is not None and datetime.fromisoformat(end) <= start:
            raise _invalid("scheduled_end_time", "Must be after the start time.")
        kind = event.get("entity_type")
        if kind == EXTERNAL:
            location = (event.get("entity_metadata") or {}).get("location")
            if not location or len(location) > 100 or end is None:
                raise _invalid("entity_metadata", "An external event needs a location and an end.")
            if event.get("channel_id") is not None:
                raise _invalid("channel_id", "Must be null for an external event.")
        elif kind in _CHANNEL_TYPE:
            channel = self.srv._guild(int(gid)).channel(int(event.get("channel_id") or 0))
            if channel is None or channel.type != _CHANNEL_TYPE[kind]:
                raise _invalid("channel_id", "Must be a voice or stage channel of the guild.")
        else:
            raise _invalid("entity_type", "Value must be one of {1, 2, 3}.")

    async def create(self, gid: str, body: Any, **_: Any) -> web.Response:
        event = {k: body.get(k) for k in _FIELDS if k != "status"}
        event |= {
            "id": str(new_snowflake()),
            "guild_id": gid,
            "creator_id": str(self.srv.bot_user.id),
            "status": SCHEDULED,
            "entity_id": None,
            "user_count": 0,
        }
        self._check(gid, _as_returned(event), creating=True)
        self.srv.scheduled_events[int(event["id"])] = event
        return json_response(event)

    async def list_events(self, gid: str, **_: Any) -> web.Response:
        return json_response(self.of_guild(int(gid)))

    async def get(self, gid: str, eid: str, **_: Any) -> web.Response:
        return json_response(self._event(gid, eid))

    async def edit(self, gid: str, eid: str, body: Any, **_: Any) -> web.Response:
        event = self._event(gid, eid)
        if event["status"] in (COMPLETED, CANCELED):
            raise ApiError(400, 180000, "Cannot modify a finished event")
        changed = event | {k: v for k, v in body.items() if k in _FIELDS}
        status = changed["status"]
        if status not in (event["status"], ACTIVE, CANCELED, COMPLETED):
            raise _invalid("status", "Invalid status transition.")
        self._check(gid, _as_returned(changed), creating=False)
        event.update(changed)
        return json_response(event)

    async def delete(self, gid: str, eid: str, **_: Any) -> web.Response:
        self._event(gid, eid)
        del self.srv.scheduled_events[int(eid)]
        return web.Response(status=204)
