"""The e-mails already sent: one row per user, kind and key, so nothing is sent twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import utcnow
from registry.extensions import db


class SentNotification(db.Model):
    """An e-mail claimed for sending: the unique (user, kind, key) keeps two runs from both sending it.

    ``key`` names what the mail was about: the return's month (``2016-11``), the
    decision's audit event (``filing:9:approve:41``), the digest's day (``2016-12-05``).
    """

    __tablename__ = "sent_notifications"
    __table_args__ = (UniqueConstraint("user_id", "kind", "key", name="uq_sent_notifications_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(100))
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
