"""Shared fixtures (personas, master data, factories) live in yorisoi/testing.py."""

pytest_plugins = ["yorisoi.testing"]
