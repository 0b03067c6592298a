"""contacts held: a closed complaint's contact waits while the resident's stage 2 request is open

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 09:12:57.896240

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contact_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('contact_record', schema=None) as batch_op:
        batch_op.drop_column('held_at')
