"""What every page shares, and nothing else: the pages blueprint, form kit, filters, charts.

Imports no feature: each feature's ``views.py`` attaches its pages to ``registry.ui.pages.bp``.
"""
