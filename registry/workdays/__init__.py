"""China's working-day calendar, as the State Council arranges it each year, kept in the registry's own table."""
