"""The province reference table."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db


class Province(db.Model):
    """A GB/T 2260 province-level division."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(40))
