"""Reports as use cases: the month's report and the evaluation, to files, and the mailing of the
month's issued files (one e-mail per head of division and director with them attached; the scheduler's
monthly send, ``Issuing.send_monthly``, issues the month first)."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.blockers import BlockerPolicy
from ..domain.clock import TZ, Clock, local_date
from ..domain.errors import BadInput
from ..domain.movement import Movement
from ..io.movements import default_movement_path, load_movement
from ..reporting import files
from ..reporting.evaluation import evaluate
from ..reporting.metrics import session
from ..reporting.monthly import ReportHeading, monthly_data
from ..reporting.periods import Period
from ..runtime.rulebook import Rulebook
from ..store.database import Database

if TYPE_CHECKING:  # the mail is rendered (jinja2) only by the commands that send it
    from notifications.outbox import Mailer

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8)
def _movement_span(path: str, mtime_ns: int, size: int) -> tuple[dt.date, dt.date]:
    """A movement file's period, parsed once per version of the file (every monthly report asks)."""
    mv = load_movement(Path(path))
    return mv.start, mv.end


def default_movement_span() -> tuple[dt.date, dt.date] | None:
    """The shipped movement's period (the campaign a month's trend starts from), if the file is there."""
    path = default_movement_path()
    try:
        st = path.stat()
        return _movement_span(str(path), st.st_mtime_ns, st.st_size)
    except Exception:  # a province may remove the file; the trend then covers a year
        log.debug("default movement unavailable", exc_info=True)
        return None


@dataclass
class Reports:
    database: Database
    rules: Rulebook
    clock: Clock
    heading: ReportHeading
    mailer: Mailer
    mail_dir: Path
    #: the blockers file (labels, promptness) the monthly report's blockers section reads
    blocker_policy: BlockerPolicy | None = None

    def monthly(self, month: str, division: str | None = None) -> dict[str, Any]:
        return monthly_data(self.database, self.rules, self.heading, self.clock.now(), month, division,
                            default_movement_span(), blocker_policy=self.blocker_policy)

    def write_monthly(self, month: str, fmt: str, out: Path, division: str | None = None) -> Path:
        return files.write_monthly(self.monthly(month, division), files.check_format(fmt), out)

    def metrics(self, start: dt.date, end: dt.date, by: list[str], division: str | None) -> list[dict[str, Any]]:
        period = Period.between(start, end)
        with session(self.database, self.rules.calendar) as ms:
            return ms.table(period, by, division)

    def statistics(self, start: dt.date, end: dt.date, division: str | None = None) -> dict[str, Any]:
        """The statutory statistics (II.06a, the 766 indicator) of a period, as of its end."""
        from ..reporting.statistics import statistics_data

        period = Period.between(start, end)
        check_period(start, end)
        with self.database.reading() as uow:
            names = {d.code: d.name for d in uow.people.divisions()}
        if division is not None and division not in names:
            raise BadInput(f"Không có phòng «{division}».", hint="Các phòng: " + ", ".join(sorted(names)))
        data = statistics_data(self.database, self.rules, period, division, names)
        data["generated_at"] = self.clock.now().astimezone(TZ).isoformat(timespec="minutes")
        data["heading"] = self.heading.document("statistics", issued=local_date(self.clock.now()), as_of=end)
        return data

    def movement(self, path: Path | None) -> Movement:
        return load_movement(path or default_movement_path())

    def evaluation(self, movement: Movement, until: dt.date | None = None) -> dict[str, Any]:
        """The evaluation as of ``until`` (default: the movement's end), headed with the department's own
        letterhead (a province's override included), the date left to be written in when signed."""
        data = evaluate(self.database, self.rules.calendar, movement, until=until)
        data.setdefault("heading", self.heading.document(
            "evaluation", issued=None, as_of=dt.date.fromisoformat(data["period"]["end"])))
        return data

    def write_evaluation(self, data: dict[str, Any], fmt: str, out: Path) -> Path:
        return files.write_evaluation(data, files.check_format(fmt), out, self.heading.department_name,
                                      self.heading.province_name)

    def mail_monthly(self, month: str, contents: dict[str, bytes], out_dir: Path | None = None) -> list[Path]:
        """Write the month's files (``contents``: format → bytes, the issued version's) and mail them.

        The files go to ``out_dir`` (default: ``bao-cao`` next to the mail folder), named
        ``bao-cao-thang-YYYY-MM.html|xlsx``; then one message per head of division and director is queued
        with them attached (once per month and files: a re-run queues nothing new). Returns the files.
        """
        folder = out_dir or (Path(self.mail_dir).parent / "bao-cao")
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for fmt, content in contents.items():
            target = folder / files.safe_name(f"bao-cao-thang-{month}", fmt)
            target.write_bytes(content)
            written.append(target)
        period = Period.month(month)
        queued = self.mailer.queue_report(
            self.database, subject=f"Báo cáo tình hình giải quyết hồ sơ thẩm định tháng {period.label}",
            attachments=written, roles=("head", "director"),
            note=f"Số liệu từ {period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y}.")
        log.info("monthly report %s written to %s; %d messages queued", month, folder, queued)
        return written


def previous_month(day: dt.date) -> str:
    first = day.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def month_before(now: dt.datetime) -> str:
    """The month a monthly job run at ``now`` reports on."""
    return previous_month(local_date(now))


def check_period(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise BadInput("Ngày đầu kỳ sau ngày cuối kỳ.")
