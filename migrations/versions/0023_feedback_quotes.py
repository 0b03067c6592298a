"""feedback quotes: an item's words as staff chose to quote them in the annual review, anonymised, one per item

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 12:15:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_quote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('chosen_by_id', sa.Integer(), nullable=True),
    sa.Column('chosen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['chosen_by_id'], ['staff_user.id'],
                            name=op.f('fk_feedback_quote_chosen_by_id_staff_user')),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback_item.id'],
                            name=op.f('fk_feedback_quote_feedback_id_feedback_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_quote')),
    sa.UniqueConstraint('feedback_id', name=op.f('uq_feedback_quote_feedback_id'))
    )


def downgrade():
    op.drop_table('feedback_quote')
