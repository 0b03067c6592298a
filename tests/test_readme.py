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


def test_the_sign_in_and_session_settings_are_in_the_configuration_table():
    from core.config import DEFAULTS

    table = README.read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    for key in DEFAULTS:
        if key.startswith(("CHARTERLINE_SIGN_IN_", "CHARTERLINE_SESSION_")):
            assert f"`{key}`" in table, key
    assert "LOCKOUT" not in table
