"""Click's help pages in Vietnamese: the usage line, the headings, the help option."""

from __future__ import annotations

from typing import Any

import click

_METAVARS = ((" TEXT", " CHUỖI"), (" INTEGER", " SỐ"), (" PATH", " TỆP"), (" FLOAT", " SỐ"))


def _vietnamese(record: tuple[str, str]) -> tuple[str, str]:
    name, text = record
    for english, vietnamese in _METAVARS:
        name = name.replace(english, vietnamese)
    return name, text.replace("[required]", "[bắt buộc]")


class Command(click.Command):
    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="Cách dùng: ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        opts = [_vietnamese(rv) for p in self.get_params(ctx)
                if not isinstance(p, click.Argument) and (rv := p.get_help_record(ctx)) is not None]
        if opts:
            with formatter.section("Tùy chọn"):
                formatter.write_dl(opts)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Xem hướng dẫn này rồi thoát."
        return option

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [p.replace("[OPTIONS]", "[TÙY CHỌN]") for p in super().collect_usage_pieces(ctx)]


class Group(Command, click.Group):
    command_class = Command
    group_class: Any = type  # subgroups are of this class too

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        Command.format_options(self, ctx, formatter)
        commands = [(name, cmd) for name in self.list_commands(ctx)
                    if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Lệnh"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [*Command.collect_usage_pieces(self, ctx)[:-1], "LỆNH [ĐỐI SỐ]..."]
