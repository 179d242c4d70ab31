"""Reference data: provinces (GB/T 2260) and enterprise codes (GB 32100)."""
