"""retention: feedback anonymised and evidence files removed under the retention policy

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 08:18:25.272983

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
