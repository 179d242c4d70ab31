"""Filings: a smelter's planned restart, new capacity, curtailment or closure."""
