"""Reading the project's YAML data files (workflows, calendars, organisation, movements).

One place turns an unreadable file, bytes that are not UTF-8, malformed YAML, a duplicated key, nesting
deeper than any data file needs, or a wrong shape into a DefinitionError that names the file and the
line, so every loader reports the same way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from ..domain.errors import DefinitionError

#: deeper than any data file of the project needs; deeper files are refused (a nesting bomb)
MAX_DEPTH = 40
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, refusing duplicated keys (YAML keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"khóa «{key}» lặp lại (dòng {seen[key]} và dòng {line})", key_node.start_mark)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _check_depth(root: yaml.Node | None, path: Path) -> None:
    stack: list[tuple[yaml.Node, int]] = [(root, 1)] if root is not None else []
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise DefinitionError(f"{path}: dòng {node.start_mark.line + 1}: lồng quá {MAX_DEPTH} cấp.",
                                  hint="Tệp dữ liệu không cần lồng sâu như vậy; kiểm tra lại cấu trúc tệp.")
        if isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)


def _text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DefinitionError(f"{path}: không đọc được tệp: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise DefinitionError(f"{path}: dòng {line}: byte 0x{raw[exc.start]:02x} không phải UTF-8.",
                              hint="Lưu tệp với bảng mã UTF-8.") from None


def _where(exc: yaml.MarkedYAMLError) -> str:
    problem, context = exc.problem_mark, exc.context_mark
    if problem is None and context is None:
        return ""
    if problem is not None and context is not None and context.line != problem.line:
        return f"dòng {problem.line + 1} (mở từ dòng {context.line + 1}): "
    mark = problem or context
    assert mark is not None
    return f"dòng {mark.line + 1}: "


def read_yaml(path: Path) -> Any:
    """The data in ``path``; raises DefinitionError naming the file and line."""
    path = Path(path)
    text = _text(path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        _check_depth(node, path)
        return None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise DefinitionError(f"{path}: {_where(exc)}YAML không hợp lệ: {exc.problem or exc.context}",
                              hint="Sửa dòng được nêu rồi thử lại.") from None
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path}: YAML không hợp lệ: {exc}") from None
    except RecursionError:
        raise DefinitionError(f"{path}: lồng quá sâu.") from None
    finally:
        loader.dispose()


def read_mapping(path: Path, shape: str) -> dict[str, Any]:
    """The YAML mapping in ``path``; ``shape`` says what the file should hold when it is not a mapping."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DefinitionError(f"{path}: {shape}")
    return data


def as_day(value: Any) -> dt.date | None:
    """A YAML date or an ISO ``YYYY-MM-DD`` string as a date; None when it is neither."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None
