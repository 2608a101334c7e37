"""chainleader.store."""
