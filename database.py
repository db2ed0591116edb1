"""The database handle shared by the web app, the command line and the tests.

It lives outside views/ and web/ so the commands never import the web layer; the models it
is built on are the domain's own (trygg.models)."""

from __future__ import annotations

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from trygg.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
