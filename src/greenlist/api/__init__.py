"""The HTTP API (django-ninja, OpenAPI at /api/docs): token authentication, scoped like the web."""
