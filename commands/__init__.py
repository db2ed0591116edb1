"""Flask CLI commands (`flask --app app ...`). Each module has `register(app)`."""

from __future__ import annotations

import importlib

from flask import Flask

COMMAND_MODULES = ("users", "audit", "demo", "documents", "pdf", "reminders")


def register_commands(app: Flask) -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"commands.{name}")
        module.register(app)
