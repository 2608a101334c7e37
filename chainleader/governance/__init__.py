"""chainleader.governance."""
