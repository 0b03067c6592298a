"""an index for the charter review's count of each stage's clocks started in a year

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 12:55:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint_clock', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_clock_review',
                              ['stage', 'kind', 'started_on', 'due_on', 'done_on', 'complaint_id'], unique=False)


def downgrade():
    with op.batch_alter_table('complaint_clock', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_clock_review')
