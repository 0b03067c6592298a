"""Shared foundations of Charterline: configuration, data model, calendar, clocks, auth, outbox and audit."""
