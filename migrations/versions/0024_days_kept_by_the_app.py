"""the days each feedback item was acknowledged and closed become plain columns, kept by the app when the times are
set, so SQLite reads the charter review's counts from the index alone

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 12:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

_INDEXES = {'ix_feedback_item_acknowledged_day': 'acknowledged_on', 'ix_feedback_item_closed_day': 'closed_on'}


def _days(computed: bool):
    """Replace both columns (and their indexes) with plain ones, or computed ones, holding the same days."""
    if op.get_bind().dialect.name == 'postgresql':
        if computed:
            _replace(computed=True)
        else:
            # PostgreSQL 13 and later keep the stored values and the indexes.
            op.execute('ALTER TABLE feedback_item ALTER COLUMN acknowledged_on DROP EXPRESSION')
            op.execute('ALTER TABLE feedback_item ALTER COLUMN closed_on DROP EXPRESSION')
        return
    _replace(computed=computed)


def _replace(computed: bool):
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        for name in _INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_column('closed_on')
        batch_op.drop_column('acknowledged_on')
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        for column, time in (('acknowledged_on', 'acknowledged_at'), ('closed_on', 'closed_at')):
            kept = (sa.Computed(f'date({time})', persisted=True),) if computed else ()
            batch_op.add_column(sa.Column(column, sa.Date(), *kept, nullable=True))
    if not computed:
        op.execute('UPDATE feedback_item SET acknowledged_on = date(acknowledged_at), closed_on = date(closed_at)')
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        for name, column in _INDEXES.items():
            batch_op.create_index(name, ['channel', 'received_on', column, 'status'], unique=False)


def upgrade():
    _days(computed=False)


def downgrade():
    _days(computed=True)
