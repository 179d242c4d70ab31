"""Caps: agreed ceilings on capacity, their usage, and the approval check."""
