"""The alert life cycle: responders on duty, the weekly rota, alerts and their outcomes.

One module a job: ``duty`` (responders' switches and the rota), ``models`` (an alert, its
stages and the keep-out mark), ``lifecycle`` (create, deliver, claim, close, escalate) and
``data_handler`` (export and delete). Callers import from here.
"""

from __future__ import annotations

from storage.alerts.data_handler import DELETED_CLAIMER, alerts_privacy_handler, privacy_handlers
from storage.alerts.duty import ROTA_SLOTS_PER_RESPONDER, Duty, DutySwitch, RotaSlot
from storage.alerts.lifecycle import Alerts, escalation_rows
from storage.alerts.models import (
    ACTION_KEY,
    CLAIMED,
    CLOSED,
    DELETED_MEMBER,
    KEEP_OUT_KEY,
    MESSAGED,
    OUTCOMES,
    POSTED,
    REMINDED,
    REPOSTED,
    Alert,
    ClaimResult,
    keep_out_mark,
    kept_out,
)

__all__ = [
    "ACTION_KEY",
    "CLAIMED",
    "CLOSED",
    "DELETED_CLAIMER",
    "DELETED_MEMBER",
    "KEEP_OUT_KEY",
    "MESSAGED",
    "OUTCOMES",
    "POSTED",
    "REMINDED",
    "REPOSTED",
    "ROTA_SLOTS_PER_RESPONDER",
    "Alert",
    "Alerts",
    "ClaimResult",
    "Duty",
    "DutySwitch",
    "RotaSlot",
    "alerts_privacy_handler",
    "escalation_rows",
    "keep_out_mark",
    "kept_out",
    "privacy_handlers",
]
