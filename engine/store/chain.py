"""The history's hash chain: each row's digest covers its content and the previous row's digest.

``row_digest`` is SHA-256 over a JSON array of the format tag, the previous row's digest ("" for the
receipt), the dossier's code and the row exactly as stored (seq, event, states, actor, the instant in
UTC with microseconds, note, the effects' JSON, channel, client, correction). The dossier keeps the
digest of its last row (``chain_head``), so a deleted last row shows too. A checkpoint (taken when a report is
issued) is the SHA-256 of every row digest up to an event id, in id order: rows that existed when a
report was issued cannot be rewritten, even with the chain recomputed, without the checkpoint printed
on the issued report changing. The format is frozen (``v1``); migration 0008 computed the digests of
the rows before it with the same definition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable

FORMAT = "v1"
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
#: the string encoder ``_ENCODE`` uses (ensure_ascii=False): the C one when there is one
_string = json.encoder.encode_basestring


def instant(at: dt.datetime) -> str:
    """The canonical text of a stored instant (UTC, microseconds)."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def row_digest(prev: str, code: str, seq: int, event: str, from_state: str | None, to_state: str, actor: str,
               at: dt.datetime, note: str | None, effects: str | None, channel: str | None,
               client: str | None, correction: str | None) -> str:
    """The digest of one history row after the row whose digest is ``prev``.

    The payload is the JSON array ``json.dumps([FORMAT, prev, code, seq, …], ensure_ascii=False,
    separators=(",", ":"))`` would write, put together here from the same string encoder (a third of the
    cost: verify digests every row); ``payload`` is the reference, and the tests keep the two equal."""
    s, n = _string, "null"  # (inline: a function call per field costs as much as the encoding)
    when = at.isoformat(timespec="microseconds") if at.tzinfo is dt.UTC else instant(at)
    body = (f'["{FORMAT}",{s(prev)},{s(code)},{int(seq)},{n if event is None else s(event)},'
            f'{n if from_state is None else s(from_state)},{n if to_state is None else s(to_state)},'
            f'{n if actor is None else s(actor)},"{when}",{n if note is None else s(note)},'
            f'{n if effects is None else s(effects)},{n if channel is None else s(channel)},'
            f'{n if client is None else s(client)},{n if correction is None else s(correction)}]')
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def payload(prev: str, code: str, seq: int, event: str, from_state: str | None, to_state: str, actor: str,
            at: dt.datetime, note: str | None, effects: str | None, channel: str | None,
            client: str | None, correction: str | None) -> str:
    """The JSON text ``row_digest`` hashes, by the JSON encoder itself (the definition of format v1)."""
    return _ENCODE([FORMAT, prev, code, seq, event, from_state, to_state, actor, instant(at), note, effects,
                    channel, client, correction])


def checkpoint(digests: Iterable[str]) -> str:
    """The digest of row digests in id order."""
    h = hashlib.sha256()
    for d in digests:
        h.update(d.encode("ascii"))
    return h.hexdigest()
