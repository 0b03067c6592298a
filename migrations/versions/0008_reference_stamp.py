"""reference stamp: processes keep reference data until it changes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 06:38:54.136472

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    stamp = op.create_table('reference_stamp',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stamp', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_stamp'))
    )
    # The one row; any change to service areas, charters, closure dates or API keys replaces its value.
    op.bulk_insert(stamp, [{'id': 1, 'stamp': secrets.token_hex(16)}])


def downgrade():
    op.drop_table('reference_stamp')
