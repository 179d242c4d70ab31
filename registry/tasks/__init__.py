"""What each user should do next: the to-do list of ``GET /api/v1/me/tasks`` (api.md, Notifications)."""
