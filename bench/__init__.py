"""Benchmarks of the registry against a bare endpoint and hand-written SQL (``python -m bench.run``)."""
