"""Domain errors of the accounts app; commands and views turn them into one-line messages."""

from django.core.exceptions import ValidationError


class AccountsError(Exception):
    """Base of every accounts domain error; str() is a one-line reason fit for a person."""


class UnknownShop(AccountsError):
    def __init__(self, slug: str):
        self.slug = slug
        super().__init__(f"No shop with slug {slug!r}.")


class UnknownUser(AccountsError):
    def __init__(self, email: str):
        self.email = email
        super().__init__(f"No user with email {email!r}.")


class UnknownRole(AccountsError):
    def __init__(self, role: str, choices: list[str]):
        self.role = role
        super().__init__(f"Unknown role {role!r}; expected one of {', '.join(choices)}.")


class InvalidEmail(AccountsError):
    def __init__(self, email: str):
        self.email = email
        super().__init__(f"{email!r} is not a valid email address.")


class NotAMember(AccountsError):
    def __init__(self, email: str, slug: str):
        super().__init__(f"{email} is not a member of {slug}.")


class ShopExists(AccountsError):
    def __init__(self, slug: str):
        self.slug = slug
        super().__init__(f"A shop with slug {slug!r} already exists.")


class InvalidShop(AccountsError):
    """A shop's fields failed validation; the message lists every field's problem on one line."""

    def __init__(self, error: ValidationError):
        self.error = error
        if hasattr(error, "error_dict"):
            problems = [
                f"{field}: {' '.join(messages).rstrip('.')}"
                for field, messages in error.message_dict.items()
            ]
        else:
            problems = [message.rstrip(".") for message in error.messages]
        super().__init__("; ".join(problems) + ".")
