"""chainleader.services."""
