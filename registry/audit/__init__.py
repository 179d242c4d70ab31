"""The append-only audit trail, chained by hashes (registry.audit.chain)."""

from registry.audit import chain  # noqa: F401 - registers the session hooks that number and hash events
