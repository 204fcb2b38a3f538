"""The organisation as data: divisions, people, roles and e-mail addresses from a YAML file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .datafiles import read_mapping
from .definitions import ROLES
from .errors import DefinitionError


@dataclass(frozen=True)
class DivisionSpec:
    code: str
    name: str


@dataclass(frozen=True)
class PersonSpec:
    id: str
    name: str
    email: str | None
    division: str | None
    roles: tuple[str, ...]


@dataclass(frozen=True)
class OrgSpec:
    divisions: tuple[DivisionSpec, ...]
    people: tuple[PersonSpec, ...]


def read_org(path: Path) -> OrgSpec:
    """Read and validate an organisation file. Raises DefinitionError naming the file and key."""
    data = read_mapping(path, "cần một bảng YAML có 'divisions' và 'people'.")

    def fail(key: str, msg: str) -> DefinitionError:
        return DefinitionError(f"{path}: {key}: {msg}")

    divisions = []
    codes: set[str] = set()
    for i, d in enumerate(data.get("divisions") or []):
        if not isinstance(d, dict) or not d.get("code") or not d.get("name"):
            raise fail(f"divisions[{i}]", "mỗi phòng cần 'code' và 'name'.")
        code = str(d["code"])
        if code in codes:
            raise fail(f"divisions[{i}].code", f"mã phòng «{code}» bị trùng.")
        codes.add(code)
        divisions.append(DivisionSpec(code, str(d["name"])))
    people = []
    ids: set[str] = set()
    for i, p in enumerate(data.get("people") or []):
        key = f"people[{i}]"
        if not isinstance(p, dict) or not p.get("id") or not p.get("name"):
            raise fail(key, "mỗi người cần 'id' và 'name'.")
        pid = str(p["id"])
        if pid in ids:
            raise fail(f"{key}.id", f"mã người «{pid}» bị trùng.")
        ids.add(pid)
        roles = p.get("roles") or []
        roles = [roles] if isinstance(roles, str) else roles
        if not roles:
            raise fail(f"{key}.roles", "cần ít nhất một vai trò.")
        for r in roles:
            if r not in ROLES:
                raise fail(f"{key}.roles", f"vai trò «{r}» không có (cho phép: {', '.join(ROLES)}).")
        division = p.get("division")
        if division is not None and str(division) not in codes:
            raise fail(f"{key}.division", f"phòng «{division}» không có trong 'divisions'.")
        email = p.get("email")
        if email is not None and "@" not in str(email):
            raise fail(f"{key}.email", f"địa chỉ «{email}» không hợp lệ.")
        people.append(PersonSpec(pid, str(p["name"]), str(email) if email else None,
                                 str(division) if division else None, tuple(roles)))
    if not divisions:
        raise fail("divisions", "cần ít nhất một phòng.")
    return OrgSpec(tuple(divisions), tuple(people))
