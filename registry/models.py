"""Every model, imported in one place so Alembic and the app see the whole schema."""

from registry.audit.models import AuditChainHead, AuditEvent
from registry.auth.models import ApiToken, User
from registry.caps.models import Cap
from registry.filings.models import Filing, IdempotencyKey
from registry.members.models import Enterprise, Smelter
from registry.notify.models import SentNotification
from registry.reference.models import Province
from registry.replacement.models import FilingReplacement, Indicator, IndicatorTransfer, ReplacementRatio
from registry.returns.models import MonthlyReturn
from registry.summaries.models import SummarySnapshot

__all__ = ["ApiToken", "AuditChainHead", "AuditEvent", "Cap", "Enterprise", "Filing", "FilingReplacement",
           "IdempotencyKey", "Indicator", "IndicatorTransfer", "MonthlyReturn", "Province", "ReplacementRatio",
           "SentNotification", "Smelter", "SummarySnapshot", "User"]
