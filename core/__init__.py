"""Shared core of Charterline: charters, calendar, sentiment, auth, audit and outbox."""
