"""chainleader.generators."""
