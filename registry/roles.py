"""The four roles of api.md and the groups the rules speak of."""

ADMIN = "admin"
REVIEWER = "reviewer"
AUDITOR = "auditor"
FILER = "filer"

ROLES = (ADMIN, REVIEWER, AUDITOR, FILER)
STAFF = frozenset({ADMIN, REVIEWER, AUDITOR})  # see every enterprise
DECIDERS = frozenset({ADMIN, REVIEWER})  # decide filings, record transfers
