"""Support requests, sessions, feedback and supporters' settings (issue 21).

A request moves waiting -> active (claimed) -> closed, or waiting -> cancelled. Every change is
one conditional UPDATE, so two supporters claiming at once, or a member cancelling while a
supporter claims, leave exactly one winner. Nothing said in a session is stored here.

One module a part: ``requests`` (the member's side), ``queue`` (claims, handoffs, spaces),
``feedback`` (ratings and stats), ``supporters`` (their settings), ``models`` and
``data_handler`` (export and delete); :class:`SupportStore` puts them together.
"""

from __future__ import annotations

from storage.db import Database
from storage.support.data_handler import privacy_handlers
from storage.support.feedback import FeedbackRepo
from storage.support.models import (
    ACTIVE,
    CANCELLED,
    CLOSED,
    COLUMNS,
    MEMBER,
    PRIVATELY,
    WAITING,
    Request,
    Stats,
    SupporterSettings,
)
from storage.support.queue import QueueRepo
from storage.support.requests import TAKEN_BACK, RequestRepo
from storage.support.supporters import SupporterRepo

__all__ = [
    "ACTIVE",
    "CANCELLED",
    "CLOSED",
    "COLUMNS",
    "MEMBER",
    "PRIVATELY",
    "TAKEN_BACK",
    "WAITING",
    "Request",
    "Stats",
    "SupportStore",
    "SupporterSettings",
    "privacy_handlers",
]


class SupportStore(RequestRepo, QueueRepo, FeedbackRepo, SupporterRepo):
    """The support tables."""

    def __init__(self, db: Database) -> None:
        self.db = db
