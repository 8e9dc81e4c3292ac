"""Text: the prompt library and its templates, and each platform's format, escaping and limits."""
