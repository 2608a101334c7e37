"""chainleader.analysis."""
