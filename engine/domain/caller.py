"""Through which channel an act comes, and from which client: recorded on every history row."""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("web", "api", "cli", "import", "scheduler", "demo")
CHANNEL_LABELS = {"web": "trang web", "api": "API", "cli": "dòng lệnh", "import": "nhập tệp",
                  "scheduler": "bộ lập lịch", "demo": "chạy thử"}


@dataclass(frozen=True)
class Via:
    channel: str
    client: str | None = None

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")


CLI = Via("cli")
