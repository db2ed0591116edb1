"""school plans (skolens plan, versioned per school year) and staff acknowledgements

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('school_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('version_date', sa.Date(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_school_plans_published_by_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_school_plans_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_plans')),
    sa.UniqueConstraint('school_id', 'school_year', 'number', name='uq_school_plans_number')
    )
    with op.batch_alter_table('school_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_plans_school_id'), ['school_id'], unique=False)

    op.create_table('acknowledgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('employee_name', sa.String(length=200), nullable=False),
    sa.Column('employee_title', sa.String(length=200), nullable=False),
    sa.Column('typed_signature', sa.String(length=200), nullable=False),
    sa.Column('confirmations', sa.JSON(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('docx_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['school_plans.id'], name=op.f('fk_acknowledgements_plan_id_school_plans')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_acknowledgements_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acknowledgements')),
    sa.UniqueConstraint('plan_id', 'user_id', name='uq_acknowledgements_user')
    )
    with op.batch_alter_table('acknowledgements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acknowledgements_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_acknowledgements_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('acknowledgements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acknowledgements_user_id'))
        batch_op.drop_index(batch_op.f('ix_acknowledgements_plan_id'))

    op.drop_table('acknowledgements')
    with op.batch_alter_table('school_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_plans_school_id'))

    op.drop_table('school_plans')
