"""Which language someone reads: their own choice, else the community's, else their chat
client's (Discord sends it with each interaction), else English.

Stored as the member setting ``language`` (``/language set``; member data, exported and deleted
with the other member settings) and the community setting ``language`` (``/community
language``). The last client language a member used is remembered as the member setting
``client_language`` so that messages to them that are not replies (a partner's note, a
reminder) follow it too.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.i18n import DEFAULT, normalize
from storage.db import MemberKey, StorageError
from storage.settings import CommunitySettings, MemberSettings

MEMBER_KEY = "language"
CLIENT_KEY = "client_language"
COMMUNITY_KEY = "language"

log = logging.getLogger(__name__)


def choose(member: str | None, community: str | None, client: str | None) -> str:
    """The rule itself: member > community > client > English (unsupported values skipped)."""
    for candidate in (member, community, client):
        found = normalize(candidate)
        if found is not None:
            return found
    return DEFAULT


class Languages:
    """Reads (and remembers) the languages that decide a reader's locale."""

    def __init__(self, members: MemberSettings, communities: CommunitySettings) -> None:
        self.members = members
        self.communities = communities

    async def community(self, platform: str, community_id: str) -> str:
        """The community's language (moderators' choice, else English)."""
        try:
            stored = await self.communities.get(platform, community_id, COMMUNITY_KEY)
        except StorageError as err:
            log.warning("community language unreadable, English it is: %s", err)
            stored = None
        return choose(None, stored, None)

    async def member(self, key: MemberKey, client: str | None = None) -> str:
        """The locale a member reads; ``client`` is the locale their client sent just now."""
        own, remembered, community = await self._stored(key)
        return choose(own, community, client or remembered)

    async def reader(self, key: MemberKey, client: str | None, now: datetime) -> str:
        """The caller's locale; their client's language is remembered when it changed, so
        messages that are not replies follow it too (best effort: a failed write is ignored)."""
        own, remembered, community = await self._stored(key)
        found = normalize(client)
        if found is not None and found != remembered:
            try:
                await self.members.set(key, CLIENT_KEY, found, now)
            except StorageError:
                pass  # only a memory for later messages; this reply already knows the client
        return choose(own, community, found or remembered)

    async def _stored(self, key: MemberKey) -> tuple[str | None, str | None, str | None]:
        """The member's own, remembered and community languages. When the database cannot be
        read (a server restart, an outage) none: the reply still goes out, in the client's
        language or English, because a crisis reply must never wait on a setting."""
        try:
            return await self.members.languages(key)
        except StorageError as err:
            log.warning("member languages unreadable, client's or English it is: %s", err)
            return None, None, None
