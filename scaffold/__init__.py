"""scaffold: production-ready ML repositories on day one, kept that way."""

__version__ = "0.1.0"
