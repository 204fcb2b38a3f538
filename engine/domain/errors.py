"""One exception root for the whole project.

Definition-time errors (a malformed data file) are kept apart from run-time ones (a refused
transition, an unknown dossier). Every error carries a Vietnamese message that says what is wrong
and what to do; the CLI maps each class to an exit code (2 bad input, 3 refused or conflict).
"""

from __future__ import annotations


class ThamdinhError(Exception):
    """Root of every error this project raises on purpose."""

    exit_code = 1
    kind = "error"

    def __init__(self, message: str, *, hint: str | None = None, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"error": self.kind, "message": self.message}
        if self.hint:
            out["hint"] = self.hint
        out.update({k: v for k, v in self.details.items() if v is not None})
        return out


# --- definition time -------------------------------------------------------------------------
class DefinitionError(ThamdinhError):
    """A data file (workflow, calendar, organisation, movement) is malformed."""

    exit_code = 2
    kind = "definition_error"


# --- run time: bad input (exit 2) ------------------------------------------------------------
class BadInput(ThamdinhError):
    exit_code = 2
    kind = "bad_input"


class UnknownDossier(BadInput):
    kind = "unknown_dossier"


class UnknownWorkflow(BadInput):
    kind = "unknown_workflow"


class UnknownEvent(BadInput):
    kind = "unknown_event"


class UnknownPerson(BadInput):
    kind = "unknown_person"


class DuplicateDossier(BadInput):
    kind = "duplicate_dossier"


class NonWorkingDay(BadInput):
    kind = "non_working_day"


class TimeOrderError(BadInput):
    kind = "time_order"


class OutOfCalendar(BadInput):
    kind = "out_of_calendar"


class UnknownWorkflowVersion(BadInput):
    """A dossier was received under a workflow version that no loaded file defines any more."""

    kind = "unknown_workflow_version"


class SettingsError(BadInput):
    """A THAMDINH_* setting has a value the software cannot use."""

    kind = "settings"


class DatabaseUnavailable(BadInput):
    """The database cannot be reached, or has no schema yet."""

    kind = "database"


class ReceiptRefused(BadInput):
    """The rules in force on the receipt date do not allow this dossier to be received."""

    kind = "receipt_refused"


# --- run time: refused (exit 3) --------------------------------------------------------------
class Refused(ThamdinhError):
    exit_code = 3
    kind = "refused"


class IllegalTransition(Refused):
    kind = "illegal_transition"


class GuardFailed(IllegalTransition):
    kind = "guard_failed"


class NotPermitted(Refused):
    kind = "not_permitted"


class ConflictError(Refused):
    kind = "conflict"


class PeriodSealed(Refused):
    """An act dated into a month whose report was issued, without a correction's reason."""

    kind = "period_sealed"


class IssueRefused(Refused):
    """A report that cannot be issued: its period has not ended, or the history does not verify."""

    kind = "issue_refused"


class IssuedAltered(Refused):
    """An issued report's stored file or data no longer matches the hash written when it was issued."""

    kind = "issued_altered"


# --- who is acting (HTTP 401) -------------------------------------------------------------------
class NotSignedIn(Refused):
    """No valid session or token: sign in (pages) or send a personal token (API)."""

    kind = "not_signed_in"


class SignInRefused(NotSignedIn):
    """A wrong login or password, a locked, disabled or departed account."""

    kind = "sign_in_refused"
