"""Domain errors shared by services, views and the API."""

from django.core.exceptions import PermissionDenied


class RuleViolation(Exception):
    """A rule of the domain (R1–R8) says no. `message` is Japanese and shown to the user.

    The policy's "no" (code "forbidden": a basis to read, not the right to do this) is 403 on
    both doors (refuse_on_screen, api.on_rule_violation); any other rule that says no is a
    form error or a message on the screens, and 409 with `code` in the API.
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


def refuse_on_screen(exc: RuleViolation) -> None:
    """For a view that shows a service's refusal as a message: the policy's "no" is not a
    message but 403, as the API answers it (yorisoi.http.errors). Call it first in
    `except RuleViolation`."""
    if exc.code == "forbidden":
        raise PermissionDenied(exc.message) from exc
