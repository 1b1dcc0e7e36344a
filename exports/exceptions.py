"""Domain errors of the exports app; views turn them into form errors or messages."""


class ReportRefused(ValueError):
    """A custom report that cannot be saved as asked; str() says why, and `field` names the
    form field it concerns ("" when it is the whole form's)."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field
