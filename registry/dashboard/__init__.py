"""The start page: what each role needs first."""
