"""Member enterprises and their smelters."""
