"""Fixtures for the Matrix end-to-end tests.

The session Synapse comes from the shared harness (registered as a plugin in tests/conftest.py,
so the whole test session shares one server).
"""
