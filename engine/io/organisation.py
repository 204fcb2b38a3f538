"""The organisation file → divisions and people (the domain's ``Division`` and ``Person``).

```yaml
divisions:
  - {code: QLXD, name: Phòng Quản lý xây dựng}
people:
  - {id: cv.pham, name: Phạm Thị Hồng, email: hong.pt@example.vn, division: QLXD, roles: [officer]}
```
A person may say ``active: false`` (left the department): they stay in the records, hold nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain import text
from ..domain.errors import BadInput, DefinitionError
from ..domain.org import Division, Person
from .checks import Ctx
from .roles import shipped_roles
from .yaml_files import read_mapping

_PERSON_KEYS = {"id", "name", "email", "division", "roles", "active"}


@dataclass(frozen=True)
class Organisation:
    divisions: tuple[Division, ...]
    people: tuple[Person, ...]


def _clean(c: Ctx, key: str, value: Any, limit: int) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise c.fail(key, "cần một chuỗi.")
    try:
        return text.required(str(value), key, limit=limit)
    except BadInput as exc:
        raise c.fail(key, exc.message) from None


def _divisions(c: Ctx, raw: Any) -> tuple[Division, ...]:
    out: list[Division] = []
    for i, d in enumerate(c.sequence(raw, "divisions", empty=False)):
        if not isinstance(d, dict) or not d.get("code") or not d.get("name"):
            raise c.fail(f"divisions[{i}]", "mỗi phòng cần 'code' và 'name'.")
        c.only(d, {"code", "name"}, f"divisions[{i}]")
        code = _clean(c, f"divisions[{i}].code", d["code"], text.CODE_MAX)
        if any(x.code == code for x in out):
            raise c.fail(f"divisions[{i}].code", f"mã phòng «{code}» bị trùng.")
        out.append(Division(code, _clean(c, f"divisions[{i}].name", d["name"], text.NAME_MAX)))
    return tuple(out)


def _person(c: Ctx, key: str, p: Any, codes: set[str], known: tuple[str, ...]) -> Person:
    if not isinstance(p, dict) or not p.get("id") or not p.get("name"):
        raise c.fail(key, "mỗi người cần 'id' và 'name'.")
    c.only(p, _PERSON_KEYS, key)
    roles = c.names(p.get("roles"), f"{key}.roles")
    for r in roles:
        if r not in known:
            raise c.fail(f"{key}.roles", f"vai trò «{r}» không có (cho phép: {', '.join(known)}).")
    division = p.get("division")
    if division is not None and str(division) not in codes:
        raise c.fail(f"{key}.division", f"phòng «{division}» không có trong 'divisions'.")
    email = p.get("email")
    if email is not None and (not isinstance(email, str) or "@" not in email or any(ch.isspace() for ch in email)):
        raise c.fail(f"{key}.email", f"địa chỉ «{email}» không hợp lệ.")
    return Person(_clean(c, f"{key}.id", p["id"], text.CODE_MAX), _clean(c, f"{key}.name", p["name"], text.NAME_MAX),
                  email or None, str(division) if division is not None else None, frozenset(roles),
                  c.boolean(p.get("active"), f"{key}.active", default=True))


def read_org(path: Path, roles: tuple[str, ...] | None = None) -> Organisation:
    """Read and validate an organisation file (a person's roles among ``roles``, default: the shipped
    roles file's). Raises DefinitionError naming the file and key."""
    known = roles if roles is not None else shipped_roles().names
    data = read_mapping(path, "cần một bảng YAML có 'divisions' và 'people'.")
    c = Ctx(str(path))
    c.only(data, {"divisions", "people"})
    if not data.get("divisions"):
        raise DefinitionError(f"{path}: divisions: cần ít nhất một phòng.")
    divisions = _divisions(c, data["divisions"])
    codes = {d.code for d in divisions}
    people: list[Person] = []
    for i, p in enumerate(c.sequence(data.get("people"), "people")):
        person = _person(c, f"people[{i}]", p, codes, known)
        if any(x.id == person.id for x in people):
            raise c.fail(f"people[{i}].id", f"mã người «{person.id}» bị trùng.")
        people.append(person)
    return Organisation(divisions, tuple(people))
