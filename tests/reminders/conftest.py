"""Fixtures of the reminder tests: the guarded-text tests' store, scripted server and writer.

The reminder draws on the same writers and guard as the summary, so it is tested with the
same fixtures rather than a copy of them.
"""

from tests.ai.conftest import ai_settings, fake, store, writer

__all__ = ["ai_settings", "fake", "store", "writer"]
