"""The access rules, in one place, for every channel (pages, API, CLI, import, fire-many, demo).

What each role may do is data (``workflows/roles.yaml``, engine.domain.roles): whom it sees, on which
dossiers it acts, whether it receives dossiers, runs fire-many, holds dossiers, manages the system.
An event of a workflow also names the roles that may fire it. A person acts on a dossier when one of
their roles may fire the event **and** their reach covers the dossier (``own``: they are in charge of
it; ``division``: it is their division's; ``all``). A refusal says who may do it instead (NotPermitted,
exit 3, HTTP 403).

``None`` as the person is the administrator at the server's console (the CLI without ``--actor``):
it reads everything and receives as the system; every act on a dossier names its person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..domain.actions import ActionRules, Target
from ..domain.dossier import Dossier, DossierState
from ..domain.errors import BadInput, NotPermitted
from ..domain.org import Person
from ..domain.roles import ALL, DIVISION, NONE, OWN, Roles
from ..domain.workflow import EventDef

People = Callable[[], Iterable[Person]]
_MAX_NAMES = 4


def _reaches(scope: str, p: Person, d: Dossier | DossierState) -> bool:
    return scope == ALL or (scope == DIVISION and p.division == d.division) or (scope == OWN and p.id == d.officer)


@dataclass(frozen=True)
class Access:
    roles: Roles
    #: the actions beyond the workflows' events (``actions:`` of roles.yaml): blockers, urges
    actions: ActionRules = field(default_factory=ActionRules)

    # -- seeing ------------------------------------------------------------------------------
    def sees(self, p: Person | None, d: Dossier) -> bool:
        return p is None or _reaches(self.roles.widest(p.roles, "sees"), p, d) or p.id == d.officer

    def seen_division(self, p: Person | None) -> str | None:
        """The one division ``p`` may list (None: every division); raises NotPermitted if none."""
        if p is None:
            return None
        scope = self.roles.widest(p.roles, "sees")
        if scope == ALL:
            return None
        if scope == NONE or not p.division:
            raise NotPermitted(f"{p.name} không được xem danh sách hồ sơ.",
                               hint="Danh sách hồ sơ dành cho cán bộ các phòng, Giám đốc và bộ phận một cửa.")
        return p.division

    def require_see(self, p: Person | None, d: Dossier) -> None:
        if not self.sees(p, d):
            assert p is not None
            raise NotPermitted(f"Hồ sơ {d.code} thuộc phòng {d.division}; {p.name} không được xem.",
                               hint="Cán bộ của phòng đó, Giám đốc và bộ phận một cửa xem được hồ sơ này.")

    # -- acting on a dossier -----------------------------------------------------------------
    def may_act(self, p: Person, d: Dossier | DossierState, edef: EventDef) -> bool:
        allowed = p.roles & edef.roles
        return p.active and bool(allowed) and _reaches(self.roles.widest(allowed, "acts_on"), p, d)

    def require_act(self, p: Person, d: Dossier | DossierState, edef: EventDef, people: People) -> None:
        """Raise NotPermitted, naming who may, unless ``p`` may fire ``edef`` on ``d``."""
        if self.may_act(p, d, edef):
            return
        who = [q.name for q in sorted(people(), key=lambda q: q.id) if q.id != p.id and self.may_act(q, d, edef)]
        shown = ", ".join(who[:_MAX_NAMES]) + (" …" if len(who) > _MAX_NAMES else "")
        why = (f"{p.name} ({self.roles.labels(p.roles) or 'không có vai trò'}) không có quyền «{edef.label}»"
               if not p.roles & edef.roles else f"{p.name} không có quyền «{edef.label}» với hồ sơ {d.code} "
                                                f"(phòng {d.division}, do {d.officer or 'chưa ai'} thụ lý)")
        raise NotPermitted(f"{why}.", hint=(f"Người làm được: {shown}." if who else
                                            f"Thao tác này dành cho: {self.roles.labels(edef.roles)}."),
                           event=edef.name)

    def require_holder(self, to: Person | None, officer: str, d_division: str, current: str | None = None) -> Person:
        """Whom a dossier of ``d_division`` may be held by: an active person of that division whose
        role holds dossiers (and, for a handover, not the one holding it)."""
        if to is None or not to.active:
            from ..domain.errors import UnknownPerson

            raise UnknownPerson(f"Không có cán bộ «{officer}» (hoặc đã thôi công tác) trong tổ chức.",
                                hint="Xem danh sách bằng: thamdinh org show")
        if to.division != d_division:
            raise BadInput(f"Cán bộ «{to.id}» thuộc phòng «{to.division or '—'}», hồ sơ thuộc phòng «{d_division}».",
                           hint=f"Chọn một cán bộ của phòng {d_division}.")
        if not self.roles.any(to.roles, "holds_dossiers"):
            holders = self.roles.labels(self.roles.with_flag("holds_dossiers"))
            raise BadInput(f"«{to.id}» ({self.roles.labels(to.roles)}) không thụ lý hồ sơ được.",
                           hint=f"Người thụ lý là {holders} của phòng.")
        if to.id == current:
            raise BadInput(f"Hồ sơ đang do «{to.id}» thụ lý.", hint="Chọn một cán bộ khác.")
        return to

    def holders(self, people: Iterable[Person], division: str, current: str | None) -> list[Person]:
        """Whom a dossier of ``division`` held by ``current`` may be handed to."""
        return [p for p in people if p.active and p.division == division and p.id != current
                and self.roles.any(p.roles, "holds_dossiers")]

    # -- receiving, many at once, managing --------------------------------------------------------
    def require_receive(self, p: Person | None) -> None:
        if p is not None and not self.roles.any(p.roles, "receives"):
            raise NotPermitted(f"{p.name} ({self.roles.labels(p.roles)}) không tiếp nhận hồ sơ.",
                               hint=f"Tiếp nhận hồ sơ: {self.roles.labels(self.roles.with_flag('receives'))}.")

    def fire_many_division(self, p: Person, division: str | None) -> str | None:
        """The division a fire-many by ``p`` is confined to (None: every division); raises NotPermitted."""
        scope = self.roles.widest(p.roles, "fire_many")
        if scope == ALL:
            return division
        if scope == DIVISION and p.division and division in (None, p.division):
            return p.division
        raise NotPermitted(f"{p.name} không được thao tác hàng loạt"
                           + (f" trên hồ sơ của phòng {division}." if scope == DIVISION else "."),
                           hint="Trưởng phòng thao tác hàng loạt trong phòng mình; Giám đốc trên mọi hồ sơ.")

    # -- corrections into an issued month ------------------------------------------------------------
    def may_correct(self, p: Person | None) -> bool:
        return p is not None and p.active and self.roles.any(p.roles, "corrects_issued")

    def require_correct(self, p: Person | None, what: str, people: People) -> None:
        """Raise NotPermitted, naming who may, unless ``p`` may record a correction into ``what`` (a
        period whose report was issued, as "tháng 10/2026")."""
        if self.may_correct(p):
            return
        who = [q.name for q in sorted(people(), key=lambda q: q.id) if self.may_correct(q)]
        shown = ", ".join(who[:_MAX_NAMES]) + (" …" if len(who) > _MAX_NAMES else "")
        label = self.roles.labels(self.roles.with_flag("corrects_issued")) or "không vai trò nào"
        name = p.name if p is not None else "Người thao tác tại máy chủ (không có --actor)"
        raise NotPermitted(f"{name} không được ghi điều chỉnh vào {what}, kỳ đã ban hành báo cáo.",
                           hint=(f"Người ghi được điều chỉnh: {shown} ({label})." if who
                                 else f"Việc này dành cho: {label}."))

    # -- issuing (sealing) a report -------------------------------------------------------------------
    def may_issue(self, p: Person | None, division: str | None) -> bool:
        """Whether ``p`` may issue a report of ``division`` (None: the department's, or an evaluation)."""
        if p is None or not p.active:
            return False
        scope = self.roles.widest(p.roles, "issues_reports")
        return scope == ALL or (scope == DIVISION and division is not None and division == p.division)

    def require_issue(self, p: Person, division: str | None, what: str, people: People) -> None:
        """Raise NotPermitted, naming who may, unless ``p`` may issue ``what`` (its label, as "tháng
        10/2026") of ``division``."""
        if self.may_issue(p, division):
            return
        who = [q.name for q in sorted(people(), key=lambda q: q.id) if self.may_issue(q, division)]
        shown = ", ".join(who[:_MAX_NAMES]) + (" …" if len(who) > _MAX_NAMES else "")
        raise NotPermitted(f"{p.name} không được ban hành báo cáo {what}.",
                           hint=(f"Người ban hành được: {shown}." if who else "Chưa ai được ban hành báo cáo này "
                                 "(issues_reports trong roles.yaml).") + " Lịch gửi báo cáo tháng tự ban hành.")

    # -- actions beyond the workflows: blockers, urges (``actions:`` of roles.yaml) --------------------
    def may_take(self, p: Person, action: str, target: Target) -> bool:
        return self.actions.get(action).allows(p, target)

    def require_action(self, p: Person, action: str, target: Target, people: People) -> None:
        """Raise NotPermitted, naming who may, unless ``p`` may take ``action`` on ``target``."""
        rule = self.actions.get(action)
        if rule.allows(p, target):
            return
        who = [f"{q.name} ({self.roles.labels(q.roles)})" for q in sorted(people(), key=lambda q: q.id)
               if q.id != p.id and rule.allows(q, target)]
        shown = ", ".join(who[:_MAX_NAMES]) + (" …" if len(who) > _MAX_NAMES else "")
        where = f" {target.what} (phòng {target.division or '—'})" if target.what else ""
        raise NotPermitted(f"{p.name} ({self.roles.labels(p.roles) or 'không có vai trò'}) không được "
                           f"«{rule.label}»{where}.",
                           hint=(f"Người làm được: {shown}." if who else
                                 f"Việc này dành cho: {self.roles.labels(rule.scopes) or 'không vai trò nào'}."),
                           action=action)

    # -- the boards ----------------------------------------------------------------------------
    def _acting_on(self, scopes: tuple[str, ...]) -> str:
        return self.roles.labels(n for n, r in self.roles.by_name.items() if r.acts_on in scopes)

    def board_division(self, p: Person, division: str | None) -> str | None:
        """The division whose board ``p`` opens, from the roles' ``acts_on`` scope: a head's own
        (``division``); any for the director (``all``; None: not chosen yet). Anyone else: NotPermitted,
        naming the roles that may."""
        scope = self.roles.widest(p.roles, "acts_on")
        if scope == ALL:
            return division
        if scope == DIVISION and p.division:
            if division not in (None, "", p.division):
                raise NotPermitted(f"{p.name} chỉ xem được bảng điều hành của phòng mình ({p.division}).",
                                   hint=f"Mở bảng của phòng {p.division}; bảng của mọi phòng: "
                                        f"{self._acting_on((ALL,))}.")
            return p.division
        raise NotPermitted(f"{p.name} ({self.roles.labels(p.roles) or 'không có vai trò'}) không mở được bảng điều "
                           "hành phòng.", hint=f"Bảng điều hành phòng dành cho: {self._acting_on((DIVISION, ALL))}.")

    def require_department_board(self, p: Person) -> None:
        """The department board is for the roles acting on every dossier (``acts_on: all``)."""
        scope = self.roles.widest(p.roles, "acts_on")
        if scope != ALL:
            extra = "; trưởng phòng xem bảng của phòng mình tại /bang-dieu-hanh/phong" if scope == DIVISION else ""
            raise NotPermitted(f"{p.name} ({self.roles.labels(p.roles) or 'không có vai trò'}) không mở được bảng "
                               "điều hành của Sở.",
                               hint=f"Bảng điều hành của Sở dành cho: {self._acting_on((ALL,))}{extra}.")

    def require_capital(self, p: Person) -> None:
        """The capital tables (disbursement against the target, projects waiting on an appraisal) are for the
        roles acting on a division's or every dossier (the heads, the director)."""
        if self.roles.widest(p.roles, "acts_on") in (DIVISION, ALL):
            return
        raise NotPermitted(f"{p.name} ({self.roles.labels(p.roles) or 'không có vai trò'}) không xem được tiến độ "
                           "giải ngân vốn.", hint=f"Tiến độ giải ngân dành cho: {self._acting_on((DIVISION, ALL))}.")

    def require_manage(self, p: Person | None, what: str) -> None:
        if p is not None and not self.roles.manages(p.roles, what):
            raise NotPermitted(f"{p.name} không có quyền quản trị ({what}).", hint="Việc này dành cho quản trị.")
