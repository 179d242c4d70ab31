"""``/api/v1/public/...``: no token."""
