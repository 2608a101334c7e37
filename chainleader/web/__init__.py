"""Web platform (layer 3): FastAPI JSON API under /api/v1 and Jinja pages over the same payloads."""
