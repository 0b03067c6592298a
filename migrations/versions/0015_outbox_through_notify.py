"""outbox through GOV.UK Notify: letters Notify posts, and Notify's id and status for each message sent

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 07:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('post_by_notify', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('notify_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('notify_status', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('notify_status')
        batch_op.drop_column('notify_id')
        batch_op.drop_column('post_by_notify')
