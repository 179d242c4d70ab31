"""Public figures: national and provincial totals and the pipeline, with no member's own figure."""
