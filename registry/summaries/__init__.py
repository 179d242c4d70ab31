"""Monthly compliance summaries: approved vs reported vs agreed, frozen when closed."""
