"""Features. Every module (or package) here with a ``setup(bot)`` function is loaded at start."""
