"""Monthly returns (月报): what a smelter actually ran and produced."""
