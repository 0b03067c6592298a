"""one clock: complaint deadlines are the only stored clocks, so the unused generic clock table goes

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clock', schema=None) as batch_op:
        batch_op.drop_index('ix_clock_subject')
        batch_op.drop_index('ix_clock_status_id')
        batch_op.drop_index('ix_clock_open_due')

    op.drop_table('clock')


def downgrade():
    op.create_table('clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=50), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('calendar', sa.String(length=30), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ledger', sa.JSON(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('stopped_on', sa.Date(), nullable=True),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock'))
    )
    with op.batch_alter_table('clock', schema=None) as batch_op:
        batch_op.create_index('ix_clock_open_due', ['status', 'due_on'], unique=False)
        batch_op.create_index('ix_clock_status_id', ['status', 'id'], unique=False)
        batch_op.create_index('ix_clock_subject', ['subject_type', 'subject_id'], unique=False)
