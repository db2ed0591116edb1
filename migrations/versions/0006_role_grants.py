"""access changes: every role or school change, and school admins' role requests that the
school leadership confirms or refuses

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role_from', sa.String(length=40), nullable=True),
    sa.Column('role_to', sa.String(length=40), nullable=False),
    sa.Column('school_from_id', sa.Integer(), nullable=True),
    sa.Column('school_to_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_email', sa.String(length=254), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_access_changes_decided_by_id_users')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_access_changes_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_access_changes_requested_by_id_users')),
    sa.ForeignKeyConstraint(['role_from'], ['roles.code'], name=op.f('fk_access_changes_role_from_roles')),
    sa.ForeignKeyConstraint(['role_to'], ['roles.code'], name=op.f('fk_access_changes_role_to_roles')),
    sa.ForeignKeyConstraint(['school_from_id'], ['schools.id'], name=op.f('fk_access_changes_school_from_id_schools')),
    sa.ForeignKeyConstraint(['school_to_id'], ['schools.id'], name=op.f('fk_access_changes_school_to_id_schools')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_changes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_changes'))
    )
    with op.batch_alter_table('access_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_changes_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_changes_school_from_id'), ['school_from_id'], unique=False)
        batch_op.create_index('ix_access_changes_pending', ['school_to_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_changes_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('access_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_changes_user_id'))
        batch_op.drop_index('ix_access_changes_pending')
        batch_op.drop_index(batch_op.f('ix_access_changes_school_from_id'))
        batch_op.drop_index(batch_op.f('ix_access_changes_municipality_id'))

    op.drop_table('access_changes')
