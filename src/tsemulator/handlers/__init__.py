"""Handlers of the REST API v2.0 endpoints, one module per tag of the spec."""
