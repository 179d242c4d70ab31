"""Downloads of the filings list and the review queue (CSV and XLSX), with the list's filters."""
