"""Domain errors of the imports app; views turn them into form errors or messages."""


class ApplyRefused(Exception):
    """A previewed job that cannot be imported as asked; str() says why, for a person."""
