class Refused(Exception):
    """A request the journal cannot do: the HTTP `status`, a message for the person, the `field` at
    fault when one is; `extra` goes into the answer as it is."""

    def __init__(self, status: int, message: str, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.extra = extra or {}
