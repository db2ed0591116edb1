"""The school's pupil register: pupils and their guardians from the student system, and a
case tied to a register pupil by id

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# SQLite rebuilds the table to add a foreign key, and a rebuilt table has lost its
# triggers: the frozen statement of migration 0005 is run again (as in 0007).
SQLITE_NO_DELETE = (
    "CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases "
    "BEGIN SELECT RAISE(ABORT, 'cases are never deleted'); END"
)


def _restore_sqlite_trigger():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS cases_no_delete")
        op.execute(SQLITE_NO_DELETE)


def upgrade():
    op.create_table(
        "pupils",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=220), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("class_name", sa.String(length=40), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("protected_address", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_pupils_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pupils")),
    )
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pupils_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pupils_name_key"), ["name_key"], unique=False)
    op.create_table(
        "guardians",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("relation", sa.String(length=40), nullable=False),
        sa.Column("parental_responsibility", sa.Boolean(), nullable=False),
        sa.Column("may_receive_information", sa.Boolean(), nullable=False),
        sa.Column("protected_address", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["pupil_id"], ["pupils.id"], name=op.f("fk_guardians_pupil_id_pupils")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardians")),
    )
    with op.batch_alter_table("guardians", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guardians_pupil_id"), ["pupil_id"], unique=False)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pupil_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_pupil_id"), ["pupil_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_pupil_id_pupils"), "pupils", ["pupil_id"], ["id"]
        )
    _restore_sqlite_trigger()


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cases_pupil_id_pupils"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cases_pupil_id"))
        batch_op.drop_column("pupil_id")
    _restore_sqlite_trigger()
    with op.batch_alter_table("guardians", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardians_pupil_id"))
    op.drop_table("guardians")
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pupils_name_key"))
        batch_op.drop_index(batch_op.f("ix_pupils_school_id"))
    op.drop_table("pupils")
