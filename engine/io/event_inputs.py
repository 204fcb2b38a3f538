"""An event's ``requires`` and ``confirm`` in a workflow file → what the action asks for.

```yaml
events:
  request_supplement:
    requires:
      reason: {label: Lý do yêu cầu bổ sung}
      missing: {label: Tài liệu cần bổ sung, hoàn thiện}
  approve:
    confirm: Trình ký, phát hành kết quả thẩm định cho hồ sơ này?
```
``requires`` names inputs among ``reason`` and ``missing`` (each with an optional label); ``confirm``
is the question a page asks before the act. The services check the requirements on every channel.
"""

from __future__ import annotations

from typing import Any

from ..domain.requirements import FIELDS, Requirement
from .checks import Ctx


def requirements(c: Ctx, raw: Any, key: str) -> tuple[Requirement, ...]:
    """The inputs an event requires; raises DefinitionError naming the key."""
    out = []
    for name, spec in c.mapping(raw, key, empty=True).items():
        if name not in FIELDS:
            raise c.fail(f"{key}.{name}", f"không hỗ trợ (cho phép: {', '.join(FIELDS)}).")
        spec = c.mapping(spec, f"{key}.{name}", empty=True)
        c.only(spec, {"label"}, f"{key}.{name}")
        label = spec.get("label", FIELDS[name])
        out.append(Requirement(str(name), c.text(label, f"{key}.{name}.label").strip()))
    return tuple(out)


def confirmation(c: Ctx, raw: Any, key: str) -> str | None:
    """The confirmation question of an event (None: the act needs none)."""
    return None if raw is None else c.text(raw, key).strip()
