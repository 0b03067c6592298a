"""The README's operations section: every command meant for cron is in its crontab."""

import re
from pathlib import Path

import click

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_command_meant_for_cron_is_in_the_crontab(app):
    crontab = re.search(r"Cron:\n\s*```\n(.*?)```", README.read_text(), re.S).group(1)
    scheduled = set(re.findall(r"flask --app app (\w+ \w+)$", crontab, re.M))
    context = click.Context(app.cli)
    meant_for_cron = set()
    for group_name in app.cli.list_commands(context):
        group = app.cli.get_command(context, group_name)
        if isinstance(group, click.Group):
            meant_for_cron |= {f"{group_name} {name}" for name, command in group.commands.items()
                               if "safe to run from cron" in (command.help or "")}
    assert "feedback anonymise" in meant_for_cron
    assert meant_for_cron - scheduled == set()
