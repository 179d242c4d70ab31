"""Imports (导入): filings and monthly returns from an Excel template or CSV, all rows or none."""
