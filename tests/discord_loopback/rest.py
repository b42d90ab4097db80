"""The REST half of the loopback server: a small router and one handler per Discord route.

Handlers keep their state in the owning ``LoopbackDiscord`` (``self.srv``); every request is
recorded in ``srv.calls`` with the status it got, unknown routes included.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .gateway import GUILD_MESSAGES, GUILDS
from .messages import (
    LOADING,
    ApiError,
    apply_edit,
    check_message_body,
    json_response,
    public,
    read_body,
)
from .models import FakeChannel, FakeUser, new_snowflake
from .records import (
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE,
    EPHEMERAL,
    MODAL,
    UPDATE_MESSAGE,
    InteractionRecord,
    RecordedCall,
)
from .scheduled_events import ScheduledEventRoutes
from .threads import ThreadRoutes

if TYPE_CHECKING:
    from .server import LoopbackDiscord

MESSAGE_COMPONENT, MODAL_SUBMIT = 3, 5
Handler = Callable[..., Awaitable[web.StreamResponse]]


class RestApi:
    """Serves ``/api/v10/...`` for a ``LoopbackDiscord``."""

    def __init__(self, srv: LoopbackDiscord) -> None:
        self.srv = srv
        self.threads = ThreadRoutes(srv)
        self.scheduled_events = ScheduledEventRoutes(srv)
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._add_routes()

    def _add_routes(self) -> None:
        app = r"applications/(?P<app>\d+)"
        hook = r"webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", r"users/@me", self._get_me),
            ("GET", r"users/(?P<uid>\d+)", self._get_user),
            ("GET", r"(?:oauth2/)?applications/@me", self._get_app),
            ("GET", r"gateway(?:/bot)?", self._get_gateway),
            ("PUT", rf"{app}(?:/guilds/(?P<gid>\d+))?/commands", self._put_commands),
            ("GET", rf"{app}(?:/guilds/(?P<gid>\d+))?/commands", self._get_commands),
            ("POST", r"interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", hook, self._followup),
            ("GET", rf"{hook}/messages/(?P<mid>@original|\d+)", self._webhook_get),
            ("PATCH", rf"{hook}/messages/(?P<mid>@original|\d+)", self._webhook_edit),
            ("DELETE", rf"{hook}/messages/(?P<mid>@original|\d+)", self._webhook_delete),
            ("POST", r"users/@me/channels", self._create_dm),
            ("GET", r"channels/(?P<cid>\d+)", self._get_channel),
            ("POST", r"channels/(?P<cid>\d+)/messages", self._post_message),
            ("GET", r"channels/(?P<cid>\d+)/messages/(?P<mid>\d+)", self._get_message),
            ("PATCH", r"channels/(?P<cid>\d+)/messages/(?P<mid>\d+)", self._edit_message),
            ("DELETE", r"channels/(?P<cid>\d+)/messages/(?P<mid>\d+)", self._delete_message),
            ("PUT", r"channels/\d+/messages/\d+/reactions/[^/]+/@me", self._no_content),
            ("POST", r"channels/\d+/typing", self._no_content),
            (
                "POST",
                r"channels/(?P<cid>\d+)(?:/messages/(?P<mid>\d+))?/threads",
                self._create_thread,
            ),
            ("GET", r"guilds/(?P<gid>\d+)/members/(?P<uid>\d+)", self._get_member),
            *self.threads.table(),
            *self.scheduled_events.table(),
        ]
        self._routes = [(m, re.compile(p), h) for m, p, h in table]

    async def serve(self, request: web.Request) -> web.StreamResponse:
        """aiohttp handler for every ``/api/v10/{tail}`` request."""
        path = request.match_info["tail"].rstrip("/")
        body, files = await read_body(request)
        call = RecordedCall(
            request.method, path, dict(request.query), body, time.time(), files=files
        )
        self.srv.calls.append(call)
        try:
            response = await self._route(request, path, body, files)
        except ApiError as err:
            response = json_response({"message": err.message, "code": err.code}, err.status)
        call.status = response.status
        self.srv._touch()
        return response

    async def _route(
        self, request: web.Request, path: str, body: Any, files: list[tuple[str, bytes]]
    ) -> web.StreamResponse:
        for refusal in self.srv.refusals:
            if refusal.matches(request.method, path):
                raise refusal.error
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match and method == request.method:
                open_route = path.startswith(("interactions/", "webhooks/"))
                if (
                    not open_route
                    and request.headers.get("Authorization") != f"Bot {self.srv.token}"
                ):
                    raise ApiError(401, 0, "401: Unauthorized")
                return await handler(request=request, body=body, files=files, **match.groupdict())
        raise ApiError(404, 0, "Unknown route")

    # ----------------------------------------------------------------- REST handlers

    async def _no_content(self, **_: Any) -> web.Response:
        return web.Response(status=204)

    async def _get_me(self, **_: Any) -> web.Response:
        return json_response(
            {**self.srv.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0}
        )

    async def _get_user(self, uid: str, **_: Any) -> web.Response:
        user = self.srv._find_user(int(uid))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return json_response(user.payload())

    async def _get_app(self, **_: Any) -> web.Response:
        owner = FakeUser(2999, "owner").payload()
        return json_response(
            {
                "id": str(self.srv.app_id),
                "name": self.srv.bot_user.name,
                "icon": None,
                "description": "",
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": owner,
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
                "interactions_endpoint_url": None,
                "bot": self.srv.bot_user.payload(),
            }
        )

    async def _get_gateway(self, **_: Any) -> web.Response:
        limit = {
            "total": 1000,
            "remaining": 1000,
            "reset_after": 0,
            "max_concurrency": self.srv.max_concurrency,
        }
        return json_response(
            {
                "url": self.srv.gateway_url,
                "shards": self.srv.shard_count,
                "session_start_limit": limit,
            }
        )

    def _check_app(self, app: str) -> None:
        if int(app) != self.srv.app_id:
            raise ApiError(403, 50001, "Missing Access")

    async def _put_commands(
        self, app: str, body: Any, gid: str | None = None, **_: Any
    ) -> web.Response:
        self._check_app(app)
        guild_id = int(gid) if gid else None
        if guild_id is not None and guild_id not in self.srv.guilds:
            raise ApiError(403, 50001, "Missing Access")
        names = [(c.get("type", 1), c["name"]) for c in body]
        if len(set(names)) != len(names):
            raise ApiError(
                400, 50035, "Invalid Form Body: application command names must be unique"
            )
        old = {(c.get("type", 1), c["name"]): c["id"] for c in self.srv._commands.get(guild_id, [])}
        stored = []
        for command in body:
            key = (command.get("type", 1), command["name"])
            entry = {
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": old.get(key) or str(new_snowflake()),
                "application_id": str(self.srv.app_id),
                "version": str(new_snowflake()),
            }
            if guild_id is not None:
                entry["guild_id"] = str(guild_id)
            stored.append(entry)
        self.srv._commands[guild_id] = stored
        self.srv._synced.set()
        return json_response(stored)

    async def _get_commands(self, app: str, gid: str | None = None, **_: Any) -> web.Response:
        self._check_app(app)
        return json_response(self.srv._commands.get(int(gid) if gid else None, []))

    def _interaction_for(self, token: str, *, webhook: bool) -> InteractionRecord:
        record = self.srv._by_token.get(token)
        if record is None:
            raise (
                ApiError(404, 10015, "Unknown Webhook")
                if webhook
                else ApiError(404, 10062, "Unknown interaction")
            )
        if time.monotonic() - record.created > self.srv.token_ttl:
            raise (
                ApiError(401, 50027, "Invalid Webhook Token")
                if webhook
                else ApiError(404, 10062, "Unknown interaction")
            )
        return record

    async def _callback(
        self, iid: str, token: str, request: web.Request, body: Any, files: list, **_: Any
    ) -> web.Response:
        record = self.srv._by_token.get(token)
        if record is None or record.id != int(iid):
            raise ApiError(404, 10062, "Unknown interaction")
        try:
            self._interaction_for(token, webhook=False)
            late = (
                self.srv.response_deadline is not None
                and time.monotonic() - record.created > self.srv.response_deadline
            )
            if late and not record.responses:
                raise ApiError(404, 10062, "Unknown interaction")
            if record.responses:
                raise ApiError(400, 40060, "Interaction has already been acknowledged.")
            kind, data = body.get("type"), body.get("data") or {}
            if kind in (DEFERRED_UPDATE, UPDATE_MESSAGE) and record.type != MESSAGE_COMPONENT:
                if not (record.type == MODAL_SUBMIT and "message" in record.payload):
                    raise ApiError(
                        400, 50035, "Invalid Form Body: type: Interaction response type is invalid"
                    )
            if kind == MODAL and record.type == MODAL_SUBMIT:
                raise ApiError(400, 50035, "Invalid Form Body: type: a modal cannot answer a modal")
            message = self._apply_callback(record, kind, data, files)
        except ApiError as err:
            record.rejected.append((err.status, {"message": err.message, "code": err.code}))
            record._touch()
            raise
        record.responses.append(body)
        record._touch()
        if request.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        summary: dict[str, Any] = {
            "id": str(record.id),
            "type": record.type,
            "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": bool(message and message["flags"] & EPHEMERAL),
        }
        resource: dict[str, Any] = {"type": kind}
        if message is not None:
            summary["response_message_id"] = message["id"]
            resource["message"] = public(message)
        return json_response({"interaction": summary, "resource": resource})

    def _apply_callback(
        self,
        record: InteractionRecord,
        kind: int,
        data: dict[str, Any],
        files: list[tuple[str, bytes]],
    ) -> dict[str, Any] | None:
        channel_id = int(record.payload["channel_id"])
        if kind == CHANNEL_MESSAGE:
            check_message_body(data, files)
            record.original = self.srv._store_bot_message(
                channel_id, data, files, source="interaction", interaction=record
            )
            return record.original
        if kind == DEFERRED_CHANNEL_MESSAGE:
            flags = (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
            placeholder = {"content": "", "flags": flags}
            record.original = self.srv._store_bot_message(
                channel_id, placeholder, [], source="interaction", interaction=record
            )
            return record.original
        if kind == UPDATE_MESSAGE:
            check_message_body(data, files, edit=True)
            target = self.srv._messages.get(int(record.payload.get("message", {}).get("id", 0)))
            if target is not None:
                apply_edit(target, data)
                record.original = target
            return target
        if kind == MODAL:
            if not data.get("custom_id") or not data.get("components"):
                raise ApiError(
                    400, 50035, "Invalid Form Body: a modal needs custom_id and components"
                )
            record.modal = data
            return None
        if kind in (DEFERRED_UPDATE, 8):
            return None
        raise ApiError(400, 50035, f"Invalid Form Body: unknown interaction response type {kind}")

    async def _followup(
        self, app: str, token: str, request: web.Request, body: Any, files: list, **_: Any
    ) -> web.Response:
        record = self._interaction_for(token, webhook=True)
        if not record.responses:
            raise ApiError(404, 10015, "Unknown Webhook")
        check_message_body(body or {}, files)
        channel_id = int(record.payload["channel_id"])
        stored = self.srv._store_bot_message(
            channel_id, body, files, source="interaction", interaction=record
        )
        record.followups.append({"kind": "followup", "body": body, "message": stored})
        record._touch()
        if request.query.get("wait") not in ("1", "true", "True"):
            return web.Response(status=204)
        return json_response(public(stored))

    def _webhook_target(self, record: InteractionRecord, mid: str) -> dict[str, Any]:
        if mid == "@original":
            target = record.original
            if target is None and "message" in record.payload:
                target = self.srv._messages.get(int(record.payload["message"]["id"]))
        else:
            target = self.srv._messages.get(int(mid))
            if target is not None and target.get("interaction_id") != record.id:
                target = None
        if target is None or target.get("deleted"):
            raise ApiError(404, 10008, "Unknown Message")
        return target

    async def _webhook_get(self, token: str, mid: str, **_: Any) -> web.Response:
        record = self._interaction_for(token, webhook=True)
        return json_response(public(self._webhook_target(record, mid)))

    async def _webhook_edit(
        self, token: str, mid: str, body: Any, files: list, **_: Any
    ) -> web.Response:
        record = self._interaction_for(token, webhook=True)
        target = self._webhook_target(record, mid)
        check_message_body(body or {}, files, edit=True)
        apply_edit(target, body or {}, files)
        kind = "edit_original" if mid == "@original" else "edit"
        record.followups.append({"kind": kind, "body": body, "message": target})
        record._touch()
        return json_response(public(target))

    async def _webhook_delete(self, token: str, mid: str, **_: Any) -> web.Response:
        record = self._interaction_for(token, webhook=True)
        target = self._webhook_target(record, mid)
        target["deleted"] = True
        kind = "delete_original" if mid == "@original" else "delete"
        record.followups.append({"kind": kind, "body": None, "message": target})
        record._touch()
        return web.Response(status=204)

    async def _create_dm(self, body: Any, **_: Any) -> web.Response:
        user = self.srv._find_user(int(body.get("recipient_id", 0)))
        if user is None or user.bot:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        channel = self.srv._dm_channel(user)
        return json_response(
            {
                "id": str(channel.id),
                "type": 1,
                "last_message_id": None,
                "recipients": [user.payload()],
                "flags": 0,
            }
        )

    def _channel_payload(self, channel_id: int) -> dict[str, Any]:
        for user_id, dm in self.srv._dm_channels.items():
            if dm.id == channel_id:
                recipient = self.srv._dm_users[user_id].payload()
                return {
                    "id": str(dm.id),
                    "type": 1,
                    "last_message_id": None,
                    "recipients": [recipient],
                    "flags": 0,
                }
        guild_id = self.srv._guild_of_channel(channel_id)
        if guild_id is None:
            raise ApiError(404, 10003, "Unknown Channel")
        return self.srv._channel(guild_id, channel_id).payload(guild_id)

    async def _get_channel(self, cid: str, **_: Any) -> web.Response:
        return json_response(self._channel_payload(int(cid)))

    async def _post_message(self, cid: str, body: Any, files: list, **_: Any) -> web.Response:
        channel = self._channel_payload(int(cid))
        if channel["type"] == 1 and int(channel["recipients"][0]["id"]) in self.srv.dm_closed_users:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        check_message_body(body or {}, files)
        return json_response(
            public(self.srv._store_bot_message(int(cid), body or {}, files, source="channel"))
        )

    def _bot_message(self, cid: str, mid: str) -> dict[str, Any]:
        message = self.srv._messages.get(int(mid))
        if message is None or message.get("deleted") or message["channel_id"] != cid:
            raise ApiError(404, 10008, "Unknown Message")
        return message

    async def _get_message(self, cid: str, mid: str, **_: Any) -> web.Response:
        return json_response(public(self._bot_message(cid, mid)))

    async def _edit_message(
        self, cid: str, mid: str, body: Any, files: list, **_: Any
    ) -> web.Response:
        message = self._bot_message(cid, mid)
        check_message_body(body or {}, files, edit=True)
        apply_edit(message, body or {}, files)
        self.srv.gateway.dispatch("MESSAGE_UPDATE", public(message), intent=GUILD_MESSAGES)
        return json_response(public(message))

    async def _delete_message(self, cid: str, mid: str, **_: Any) -> web.Response:
        message = self._bot_message(cid, mid)
        message["deleted"] = True
        data = {
            "id": mid,
            "channel_id": cid,
            **({"guild_id": message["guild_id"]} if "guild_id" in message else {}),
        }
        self.srv.gateway.dispatch("MESSAGE_DELETE", data, intent=GUILD_MESSAGES)
        return web.Response(status=204)

    async def _create_thread(
        self, cid: str, body: Any, mid: str | None = None, **_: Any
    ) -> web.Response:
        guild_id = self.srv._guild_of_channel(int(cid))
        if guild_id is None:
            raise ApiError(404, 10003, "Unknown Channel")
        guild = self.srv._guild(guild_id)
        name = (body or {}).get("name") or ""
        if not 1 <= len(name) <= 100:
            raise ApiError(
                400, 50035, "Invalid Form Body: name: Must be between 1 and 100 in length."
            )
        if mid is not None:
            if guild.channel(int(mid)) is not None:
                raise ApiError(400, 160004, "A thread has already been created for this message")
            thread = FakeChannel(
                int(mid), name, type=11, parent_id=int(cid), owner_id=self.srv.bot_user.id
            )
        else:
            kind = int(body.get("type") or 12)
            thread = FakeChannel(
                new_snowflake(), name, type=kind, parent_id=int(cid), owner_id=self.srv.bot_user.id
            )
        guild.channels.append(thread)
        self.threads.created(thread)
        payload = thread.payload(guild_id)
        self.srv.gateway.dispatch(
            "THREAD_CREATE", {**payload, "newly_created": True}, intent=GUILDS
        )
        return json_response(payload, 201)

    async def _get_member(self, gid: str, uid: str, **_: Any) -> web.Response:
        member = self.srv._guild(int(gid)).member(int(uid)) if int(gid) in self.srv.guilds else None
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return json_response(member.payload())
