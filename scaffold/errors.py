"""The one exception type the CLI turns into a one-line error and a non-zero exit."""


class ScaffoldError(Exception):
    """A user-facing failure: bad input, a missing tool, a refused operation.

    The message is shown as is, on one line, after ``error:``.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
