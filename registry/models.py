"""Every model, imported in one place so Alembic and the app see the whole schema."""

from registry.audit.models import AuditChainHead, AuditEvent
from registry.auth.models import ApiToken, User
from registry.caps.models import Cap
from registry.evidence.models import Dismantling, Notice, Objection
from registry.filings.models import Filing, IdempotencyKey
from registry.members.models import Enterprise, Smelter
from registry.notify.models import SentNotification
from registry.reference.models import Province
from registry.replacement.models import (
    FilingReplacement,
    Indicator,
    IndicatorTransfer,
    PrefectureRatio,
    ProvinceIndicatorPolicy,
    ReplacementRatio,
)
from registry.returns.models import MonthlyReturn
from registry.summaries.models import SummarySnapshot
from registry.workdays.models import CalendarDay, CalendarYear

__all__ = ["ApiToken", "AuditChainHead", "AuditEvent", "CalendarDay", "CalendarYear", "Cap", "Dismantling",
           "Enterprise", "Filing", "FilingReplacement", "IdempotencyKey", "Indicator", "IndicatorTransfer",
           "MonthlyReturn", "Notice", "Objection", "PrefectureRatio", "Province", "ProvinceIndicatorPolicy",
           "ReplacementRatio", "SentNotification", "Smelter", "SummarySnapshot", "User"]
