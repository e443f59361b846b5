"""Domain errors shared by services, views and the API."""


class RuleViolation(Exception):
    """A rule of the domain (R1–R8) says no. `message` is Japanese and shown to the user.

    Views turn it into a form error, the API into 409 with `code`.
    """

    code = "rule_violation"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class ConcurrentEditError(RuleViolation):
    """R7: someone else saved first; nothing is overwritten.

    `changes` lists what the other person changed, as {"field", "label", "theirs"} dicts, so
    that the screen and the API can show it next to what the user typed.
    """

    code = "concurrent_edit"

    def __init__(self, message: str, *, code: str | None = None, changes=None):
        super().__init__(message, code=code)
        self.changes = list(changes or [])
