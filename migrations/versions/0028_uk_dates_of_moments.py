"""uk dates of moments: the days feedback items were acknowledged and closed, and the month each survey invitation
was sent, are the UK dates of those moments (stored in UTC), so 23:30 UTC in summer counts on the next day

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 15:00:00.000000

"""
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

UK = ZoneInfo('Europe/London')

_ITEM = sa.table('feedback_item', sa.column('id', sa.Integer), sa.column('acknowledged_at', sa.DateTime),
                 sa.column('acknowledged_on', sa.Date), sa.column('closed_at', sa.DateTime),
                 sa.column('closed_on', sa.Date))
_INVITATION = sa.table('survey_invitation', sa.column('id', sa.Integer), sa.column('sent_at', sa.DateTime),
                       sa.column('sent_month', sa.Date))
#: (table, the stored moment, the day kept from it, whether the day is the first of its month)
_KEPT = ((_ITEM, 'acknowledged_at', 'acknowledged_on', False), (_ITEM, 'closed_at', 'closed_on', False),
         (_INVITATION, 'sent_at', 'sent_month', True))


def _day(moment, uk: bool, month: bool):
    day = moment.replace(tzinfo=UTC).astimezone(UK).date() if uk else moment.date()
    return day.replace(day=1) if month else day


def _keep(uk: bool):
    """Recount the days of the moments in the last hour of a UTC day: the only hour whose UK date can differ (BST
    is UTC+1, GMT is UTC)."""
    conn = op.get_bind()
    for table, moment, day, month in _KEPT:
        rows = conn.execute(sa.select(table.c.id, table.c[moment])
                            .where(sa.extract('hour', table.c[moment]) == 23)).all()
        changes = [{'row': row_id, 'day': _day(at, uk, month)} for row_id, at in rows]
        if changes:
            conn.execute(table.update().where(table.c.id == sa.bindparam('row'))
                         .values({day: sa.bindparam('day')}), changes)


def upgrade():
    _keep(uk=True)


def downgrade():
    _keep(uk=False)
