"""Audit trail (R6): `audit.record(...)` is the one call every read, change and export makes."""
