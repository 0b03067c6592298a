"""tagged feedback counted by commitment code and month for the charter review (feedback.tallies), with the months
still to count

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 12:30:00.000000

"""
from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'feedback_tagged_month',
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('sentiment', sa.String(length=10), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('code', 'month', 'kind', 'sentiment', name=op.f('pk_feedback_tagged_month')),
    )
    op.create_table(
        'feedback_theme_month',
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('theme', sa.String(length=100), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('code', 'month', 'theme', name=op.f('pk_feedback_theme_month')),
    )
    stale = op.create_table(
        'feedback_tally_stale',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('changes', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', name=op.f('pk_feedback_tally_stale')),
    )
    # Every month that already has items is counted the first time the review reads it.
    days = op.get_bind().execute(sa.text("SELECT DISTINCT received_on FROM feedback_item")).scalars()
    months = sorted({(day if isinstance(day, date) else date.fromisoformat(str(day)[:10])).replace(day=1)
                     for day in days if day is not None})
    if months:
        op.bulk_insert(stale, [{"month": month, "changes": 1} for month in months])


def downgrade():
    op.drop_table('feedback_tally_stale')
    op.drop_table('feedback_theme_month')
    op.drop_table('feedback_tagged_month')
