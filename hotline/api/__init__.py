"""The JSON API under /api/v1 (bearer-token authentication, OpenAPI described)."""
