"""Capacity replacement (产能置换): indicators, ratios, cover and transfers."""
