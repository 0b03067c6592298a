"""Shared foundations: calendar, clocks and the services every part of Charterline stands on."""
