"""What every API endpoint shares: the Api object, bearer auth, paging, ETags."""
