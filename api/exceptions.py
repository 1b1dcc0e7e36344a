"""Domain errors of the API's tokens; str() is a sentence fit for a person."""


class TokenError(Exception):
    """A token cannot be made or changed as asked."""
