class ApiError(Exception):
    """A refusal the API answers with `status` and `{"error": message}`; the message is Swedish
    and says what to change."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
