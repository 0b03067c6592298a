"""feedback counted for the charter review: the days each item was acknowledged and closed, kept by the
database, and indexes by channel, day received and those days

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_on', sa.Date(),
                                      sa.Computed('date(acknowledged_at)', persisted=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('closed_on', sa.Date(), sa.Computed('date(closed_at)', persisted=True),
                                      nullable=True))
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_item_acknowledged_day',
                              ['channel', 'received_on', 'acknowledged_on', 'status'], unique=False)
        batch_op.create_index('ix_feedback_item_closed_day', ['channel', 'received_on', 'closed_on', 'status'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_item_closed_day')
        batch_op.drop_index('ix_feedback_item_acknowledged_day')
        batch_op.drop_column('closed_on')
        batch_op.drop_column('acknowledged_on')
